import { pgTable, integer, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/prices.ts. Integer micro-dollars per 1M tokens. */
export const prices = pgTable(
  'prices',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    inputMicrosPerMtok: int64('input_micros_per_mtok').notNull(),
    cachedInputMicrosPerMtok: int64('cached_input_micros_per_mtok').notNull(),
    outputMicrosPerMtok: int64('output_micros_per_mtok').notNull(),
    effectiveFrom: text('effective_from').notNull(), // YYYY-MM-DD, UTC
    source: text('source').notNull(),
  },
  (t) => [uniqueIndex('prices_identity').on(t.model, t.servingPath, t.region, t.effectiveFrom)],
);

export type PriceRecord = typeof prices.$inferSelect;
