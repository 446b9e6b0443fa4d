import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/**
 * Work a migration asks the running server to do because SQL alone cannot (re-pricing stored calls
 * needs the JS price lookup). A row is pending work; the server deletes it when the work is done.
 */
export const maintenanceTasks = sqliteTable('maintenance_tasks', {
  name: text('name').primaryKey(),
  requestedAt: integer('requested_at').notNull(),
});
