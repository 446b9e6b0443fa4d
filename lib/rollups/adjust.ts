import type Database from 'better-sqlite3';
import { USAGE_ROLLUPS, usageRollupUpsert } from './definition';

/**
 * Takes given raw rows out of, or puts them back into, every usage rollup. Every measure is a sum
 * of per-row values, so "remove the rows, change them, add them again" in one transaction leaves
 * the rollups exactly equal to a fresh aggregation, at a cost proportional to the rows changed.
 * Only the usage rollups hold money; the minute and session rollups never need this after re-pricing.
 */
const BY_IDS = 'id IN (SELECT value FROM json_each(?))';

const prepared = new WeakMap<Database.Database, { remove: Database.Statement[]; add: Database.Statement[] }>();

function statements(sqlite: Database.Database) {
  let s = prepared.get(sqlite);
  if (!s) {
    const rollups = Object.values(USAGE_ROLLUPS);
    s = {
      remove: rollups.map((r) => sqlite.prepare(usageRollupUpsert(r, BY_IDS, '-'))),
      add: rollups.map((r) => sqlite.prepare(usageRollupUpsert(r, BY_IDS, '+'))),
    };
    prepared.set(sqlite, s);
  }
  return s;
}

/** Subtracts these rows' current contribution. Call inside the transaction that then updates them. */
export function removeFromUsageRollups(sqlite: Database.Database, ids: readonly number[]): void {
  if (ids.length) for (const statement of statements(sqlite).remove) statement.run(JSON.stringify(ids));
}

/** Adds these rows' current contribution (after they were updated, same transaction). */
export function addToUsageRollups(sqlite: Database.Database, ids: readonly number[]): void {
  if (ids.length) for (const statement of statements(sqlite).add) statement.run(JSON.stringify(ids));
}
