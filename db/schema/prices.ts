import { sqliteTable, integer, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Dated price rows: seeded from lib/pricing/catalog, extended from Settings. Integer micro-dollars per 1M tokens. */
export const prices = sqliteTable(
  'prices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    inputMicrosPerMtok: integer('input_micros_per_mtok').notNull(),
    cachedInputMicrosPerMtok: integer('cached_input_micros_per_mtok').notNull(),
    outputMicrosPerMtok: integer('output_micros_per_mtok').notNull(),
    effectiveFrom: text('effective_from').notNull(), // YYYY-MM-DD, UTC
    source: text('source').notNull(),
  },
  (t) => [uniqueIndex('prices_identity').on(t.model, t.servingPath, t.region, t.effectiveFrom)],
);

export type PriceRecord = typeof prices.$inferSelect;
