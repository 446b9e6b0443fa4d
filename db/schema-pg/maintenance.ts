import { pgTable, text } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/maintenance.ts. */
export const maintenanceTasks = pgTable('maintenance_tasks', {
  name: text('name').primaryKey(),
  requestedAt: int64('requested_at').notNull(),
});
