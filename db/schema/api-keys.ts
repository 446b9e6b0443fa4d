import { sqliteTable, text, integer } from 'drizzle-orm/sqlite-core';

/** Labels that map an API-key fingerprint to a team. The key itself is never stored. */
export const apiKeyLabels = sqliteTable('api_key_labels', {
  apiKey: text('api_key').primaryKey(),
  label: text('label').notNull(),
  team: text('team'),
  updatedAt: integer('updated_at').notNull(),
});
