import { CATALOG_PATHS } from './serving-paths';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { prices, type PriceRecord } from '@/db/schema';
import { query } from '@/lib/analytics/run';
import { parseUsdToMicros } from './usd';

export const priceListQuerySchema = z.object({ q: z.string().trim().max(200).default('') });

/** The price table, newest first within each model, filtered by text in model, path, region or source. */
export function listPrices(db: Db, { q }: z.infer<typeof priceListQuerySchema>): PriceRecord[] {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return query<PriceRecord>(
    db,
    `SELECT id, model, serving_path AS servingPath, region, input_micros_per_mtok AS inputMicrosPerMtok,
       cached_input_micros_per_mtok AS cachedInputMicrosPerMtok, output_micros_per_mtok AS outputMicrosPerMtok,
       effective_from AS effectiveFrom, source
     FROM prices
     WHERE ? = '' OR model LIKE ? ESCAPE '\\' OR serving_path LIKE ? ESCAPE '\\' OR region LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'
     ORDER BY model, serving_path, region, effective_from DESC`,
    [q, like, like, like, like],
  );
}

/** Dollars per 1M tokens as typed, converted exactly (string arithmetic) to integer micro-dollars. */
const dollars = (name: string) =>
  z.string().trim().transform((s, ctx) => {
    try {
      return parseUsdToMicros(s);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${name} price: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'effectiveFrom must be YYYY-MM-DD')
  .refine((s) => new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'effectiveFrom is not a real calendar date');

export const newPriceSchema = z
  .object({
    model: z.string().trim().min(1, 'model is required').max(200).regex(/^[A-Za-z0-9._:/-]+$/, 'model id has unexpected characters'),
    servingPath: z.enum(CATALOG_PATHS, { message: `a path with its own price rows: ${CATALOG_PATHS.join(', ')} (Spot, Flex and Batch are shares of Standard)` }),
    region: z.enum(['global', 'us']),
    inputUsdPerMtok: dollars('input'),
    cachedInputUsdPerMtok: dollars('cached input'),
    outputUsdPerMtok: dollars('output'),
    effectiveFrom: calendarDate,
    source: z.string().trim().max(200).optional().transform((s) => s || 'added in Settings'),
  })
  .refine((p) => p.cachedInputUsdPerMtok <= p.inputUsdPerMtok, {
    message: 'the cached input price cannot be above the input price',
    path: ['cachedInputUsdPerMtok'],
  })
  .refine(
    (p) => p.servingPath !== 'standard' || [p.inputUsdPerMtok, p.cachedInputUsdPerMtok, p.outputUsdPerMtok].every((v) => v % 2 === 0),
    { message: 'Standard prices must be whole even micro-dollars so Batch (50%) stays exact', path: ['inputUsdPerMtok'] },
  );
export type NewPrice = z.infer<typeof newPriceSchema>;

export class DuplicatePriceError extends Error {
  constructor(p: Pick<NewPrice, 'model' | 'servingPath' | 'region' | 'effectiveFrom'>) {
    super(`A price for ${p.model} (${p.servingPath}, ${p.region}) effective from ${p.effectiveFrom} already exists; pick another date to supersede it.`);
    this.name = 'DuplicatePriceError';
  }
}

/** Adds a dated price row; calls from its effective date on are priced with it (the proxy reloads within seconds). */
export function addPrice(db: Db, p: NewPrice): PriceRecord {
  const inserted = db
    .insert(prices)
    .values({
      model: p.model,
      servingPath: p.servingPath,
      region: p.region,
      inputMicrosPerMtok: p.inputUsdPerMtok,
      cachedInputMicrosPerMtok: p.cachedInputUsdPerMtok,
      outputMicrosPerMtok: p.outputUsdPerMtok,
      effectiveFrom: p.effectiveFrom,
      source: p.source,
    })
    .onConflictDoNothing()
    .returning()
    .all();
  if (!inserted[0]) throw new DuplicatePriceError(p);
  return inserted[0];
}
