import { pgTable, text } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/api-keys.ts. */
export const apiKeyLabels = pgTable('api_key_labels', {
  apiKey: text('api_key').primaryKey(),
  label: text('label').notNull(),
  team: text('team'),
  updatedAt: int64('updated_at').notNull(),
});
