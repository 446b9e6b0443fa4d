import { orm, tablesOf, type MeterDb } from '@/db/database';
import { catalogKey } from './catalog';
import type { PriceRow } from './types';

/**
 * Puts the shipped catalog into the prices table at every start; rows already there (same
 * identity) are kept as they are. Only the rows missing are sent (a start with nothing new reads
 * and writes nothing more), with INSERT … ON CONFLICT DO NOTHING (one statement for the shipped catalog): replicas starting together on
 * one PostgreSQL database each insert what is missing, the unique identity index makes the later
 * ones wait for the first and skip its rows, so each row is stored once and no start fails.
 * Returns how many rows this call inserted.
 */
export async function seedPriceCatalog(db: MeterDb, rows: readonly PriceRow[]): Promise<number> {
  const { prices } = tablesOf(db);
  const stored = await orm(db)
    .select({ model: prices.model, servingPath: prices.servingPath, region: prices.region, effectiveFrom: prices.effectiveFrom })
    .from(prices);
  const have = new Set(stored.map(catalogKey));
  const missing = rows.filter((row) => !have.has(catalogKey(row)));
  let inserted = 0;
  for (let i = 0; i < missing.length; i += CHUNK) {
    inserted += (await orm(db).insert(prices).values(missing.slice(i, i + CHUNK)).onConflictDoNothing().returning({ id: prices.id })).length;
  }
  return inserted;
}

/** Rows per INSERT: 8 values each, well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;
