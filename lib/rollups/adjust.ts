import type Database from 'better-sqlite3';
import { DIMENSIONS, HOUR_MS, MEASURES, RAW_GROUP_BY, rawFactsSelect } from './definition';

/**
 * Takes given raw rows out of, or puts them back into, the hourly rollup. Every measure is a sum
 * of per-row values, so "remove the rows, change them, add them again" in one transaction leaves
 * the rollup exactly equal to a fresh aggregation, at a cost proportional to the rows changed.
 * Only `usage_hourly` holds money; the minute and session rollups never need this after re-pricing.
 */
function statement(sign: '+' | '-'): string {
  return `
    INSERT INTO usage_hourly (hour_start, ${DIMENSIONS.join(', ')}, ${MEASURES.join(', ')})
    SELECT ${rawFactsSelect(HOUR_MS)} FROM requests WHERE id IN (SELECT value FROM json_each(?)) GROUP BY ${RAW_GROUP_BY}
    ON CONFLICT DO UPDATE SET ${MEASURES.map((m) => `${m} = ${m} ${sign} excluded.${m}`).join(', ')}`;
}

const prepared = new WeakMap<Database.Database, { remove: Database.Statement; add: Database.Statement }>();

function statements(sqlite: Database.Database) {
  let s = prepared.get(sqlite);
  if (!s) prepared.set(sqlite, (s = { remove: sqlite.prepare(statement('-')), add: sqlite.prepare(statement('+')) }));
  return s;
}

/** Subtracts these rows' current contribution. Call inside the transaction that then updates them. */
export function removeFromHourlyRollup(sqlite: Database.Database, ids: readonly number[]): void {
  if (ids.length) statements(sqlite).remove.run(JSON.stringify(ids));
}

/** Adds these rows' current contribution (after they were updated, same transaction). */
export function addToHourlyRollup(sqlite: Database.Database, ids: readonly number[]): void {
  if (ids.length) statements(sqlite).add.run(JSON.stringify(ids));
}
