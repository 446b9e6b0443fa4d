import { CATALOG_PATHS } from './serving-paths';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import type { PriceRecord } from '@/db/schema';
import { query } from '@/lib/analytics/engine/run';
import { empty, perDialect, raw, sql } from '@/lib/analytics/engine/sql';
import { bumpTableVersion } from '@/lib/change-check';
import { PRICES_TABLE } from './price-book';
import { parseUsdToMicros } from './usd';

export const priceListQuerySchema = z.object({ q: z.string().trim().max(200).default('') });

// SQLite's LIKE ignores ASCII case, PostgreSQL's does not (ILIKE does); SQLite orders text by its
// bytes, PostgreSQL by the database's collation unless told "C". The same rows, in the same order, on both.
const LIKE = perDialect({ sqlite: raw('LIKE'), pg: raw('ILIKE') });
const byBytes = (column: string) => perDialect({ sqlite: raw(column), pg: raw(`${column} COLLATE "C"`) });

/** The price table, newest first within each model, filtered by text in model, path, region or source. */
export async function listPrices(db: MeterDb, { q }: z.infer<typeof priceListQuerySchema>): Promise<PriceRecord[]> {
  const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const matches = (column: string) => sql`${raw(column)} ${LIKE} ${like} ESCAPE '\\'`;
  const search = q === '' ? empty : sql`WHERE ${matches('model')} OR ${matches('serving_path')} OR ${matches('region')} OR ${matches('source')}`;
  return query<PriceRecord>(
    db,
    sql`SELECT id, model, serving_path AS servingPath, region, input_micros_per_mtok AS inputMicrosPerMtok,
       cached_input_micros_per_mtok AS cachedInputMicrosPerMtok, output_micros_per_mtok AS outputMicrosPerMtok,
       effective_from AS effectiveFrom, source
     FROM prices
     ${search}
     ORDER BY ${byBytes('model')}, ${byBytes('serving_path')}, ${byBytes('region')}, ${byBytes('effective_from')} DESC`,
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

/** Adds a dated price row; calls from its effective date on are priced with it (every replica's price book reads it within a second, reloadPriceBooks at once). */
export async function addPrice(db: MeterDb, p: NewPrice): Promise<PriceRecord> {
  const { prices } = tablesOf(db);
  const inserted = await orm(db)
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
    .returning();
  if (!inserted[0]) throw new DuplicatePriceError(p);
  await bumpTableVersion(db, PRICES_TABLE);
  return inserted[0];
}

/** A row as the catalog list shows it: whether it is the one in effect today for its model, path and region. */
export type ListedPrice = PriceRecord & { current: boolean };

export function markCurrent(rows: PriceRecord[], today = new Date().toISOString().slice(0, 10)): ListedPrice[] {
  const current = new Map<string, PriceRecord>();
  for (const r of rows) {
    const key = `${r.model}|${r.servingPath}|${r.region}`;
    const best = current.get(key);
    if (r.effectiveFrom <= today && (!best || r.effectiveFrom > best.effectiveFrom)) current.set(key, r);
  }
  return rows.map((r) => ({ ...r, current: current.get(`${r.model}|${r.servingPath}|${r.region}`)?.id === r.id }));
}

/** A change worth a second look before it is saved; the request says `confirm: true` to go ahead. */
export interface PriceWarning {
  code: 'price_jump' | 'unseen_model';
  message: string;
}

const JUMP = 3;

/**
 * What is odd about a new or corrected row: a rate more than 3x above or below the row it
 * supersedes (a typo such as 100x), or a model no call has used (a misspelt id prices nothing).
 */
export async function priceWarnings(db: MeterDb, p: NewPrice, exceptId?: number): Promise<PriceWarning[]> {
  const warnings: PriceWarning[] = [];
  const [before] = await query<{ input: number; output: number; effectiveFrom: string }>(
    db,
    sql`SELECT input_micros_per_mtok AS input, output_micros_per_mtok AS output, effective_from AS effectiveFrom FROM prices
       WHERE model = ${p.model} AND serving_path = ${p.servingPath} AND region = ${p.region} AND effective_from <= ${p.effectiveFrom}${exceptId === undefined ? empty : sql` AND id <> ${exceptId}`}
       ORDER BY effective_from DESC LIMIT 1`,
  );
  if (before) {
    for (const [name, was, now] of [['input', before.input, p.inputUsdPerMtok], ['output', before.output, p.outputUsdPerMtok]] as const) {
      if (was > 0 && (now > was * JUMP || now * JUMP < was)) {
        warnings.push({ code: 'price_jump', message: `The ${name} price is ${(now / was).toFixed(2)}x the row from ${before.effectiveFrom} it supersedes.` });
      }
    }
  }
  const seen = await query(db, sql`SELECT 1 AS seen FROM usage_daily_by_key WHERE model = ${p.model} LIMIT 1`);
  if (!seen.length) warnings.push({ code: 'unseen_model', message: `No recorded call used ${p.model}; check the model id.` });
  return warnings;
}

export class UnknownPriceError extends Error {
  constructor(id: number) {
    super(`No price row ${id}.`);
  }
}

/**
 * Corrects a row in place (a same-day correction, or any of its fields): calls priced with it keep
 * their stored cost until they are re-priced, which Settings offers next to it.
 */
export async function correctPrice(db: MeterDb, id: number, p: NewPrice): Promise<PriceRecord> {
  const { prices } = tablesOf(db);
  const values = {
    model: p.model, servingPath: p.servingPath, region: p.region, inputMicrosPerMtok: p.inputUsdPerMtok, cachedInputMicrosPerMtok: p.cachedInputUsdPerMtok,
    outputMicrosPerMtok: p.outputUsdPerMtok, effectiveFrom: p.effectiveFrom, source: p.source,
  };
  try {
    const [updated] = await orm(db).update(prices).set(values).where(eq(prices.id, id)).returning();
    if (!updated) throw new UnknownPriceError(id);
    await bumpTableVersion(db, PRICES_TABLE); // the row count and newest id stay: the proxy's price book must still see it
    return updated;
  } catch (error) {
    if (isUniqueViolation(error)) throw new DuplicatePriceError(p);
    throw error;
  }
}

/** SQLite's SQLITE_CONSTRAINT_UNIQUE or PostgreSQL's 23505, as the driver threw it or wrapped by drizzle. */
function isUniqueViolation(error: unknown): boolean {
  const codes = [error, (error as { cause?: unknown })?.cause].map((e) => String((e as { code?: unknown })?.code));
  return codes.some((code) => code.startsWith('SQLITE_CONSTRAINT') || code === '23505');
}

export async function findPriceRow(db: MeterDb, id: number): Promise<PriceRecord | undefined> {
  const { prices } = tablesOf(db);
  return (await orm(db).select().from(prices).where(eq(prices.id, id)))[0];
}

/** Deletes a row added in Settings; a shipped catalog row would come back at the next start, so it is corrected instead. */
export async function deletePrice(db: MeterDb, id: number, isCatalogRow: (r: PriceRecord) => boolean): Promise<PriceRecord> {
  const row = await findPriceRow(db, id);
  if (!row) throw new UnknownPriceError(id);
  if (isCatalogRow(row)) throw new CatalogPriceError();
  const { prices } = tablesOf(db);
  await orm(db).delete(prices).where(eq(prices.id, id));
  await bumpTableVersion(db, PRICES_TABLE);
  return row;
}

export class CatalogPriceError extends Error {
  constructor() {
    super('This row ships with Meter and would return at the next start: correct it instead of deleting it.');
  }
}

/** A new or corrected row, with `confirm: true` once its warnings have been seen. */
export const confirmedPriceSchema = newPriceSchema.and(z.object({ confirm: z.boolean('confirm must be true or false').optional() }));

/** 422: saved only when sent again with `confirm: true`; the page shows each warning and asks. */
export function warningsResponse(warnings: PriceWarning[]): Response {
  return Response.json({ error: `Check before saving: ${warnings.map((w) => w.message).join(' ')}`, warnings }, { status: 422 });
}
