import type Database from 'better-sqlite3';
import { rawDimensionsSelect, USAGE_ROLLUPS, usageRollupUpsert, type UsageRollup } from './definition';

/**
 * Takes given raw rows out of, or puts them back into, every usage rollup. Every measure is a sum
 * of per-row values, so "remove the rows, change them, add them again" in one transaction leaves
 * the rollups exactly equal to a fresh aggregation, at a cost proportional to the rows changed.
 * Only the usage rollups hold money; the minute and session rollups never need this after re-pricing.
 */
const BY_IDS = 'id IN (SELECT value FROM json_each(?))';

const prepared = new WeakMap<Database.Database, { remove: Database.Statement[]; prune: Database.Statement[]; add: Database.Statement[] }>();

/**
 * Drops the rollup rows these raw rows counted in once nothing is left in them (a row moved to
 * another team leaves its old group empty), so a group no call has no longer shows as a value.
 */
function pruneEmpty(r: UsageRollup): string {
  return `DELETE FROM ${r.table} WHERE requests = 0 AND (${r.timeColumn}, ${r.dimensions.join(', ')}) IN (
    SELECT DISTINCT (started_at / ${r.bucketMs}) * ${r.bucketMs}, ${rawDimensionsSelect(r.dimensions)} FROM requests WHERE ${BY_IDS})`;
}

function statements(sqlite: Database.Database) {
  let s = prepared.get(sqlite);
  if (!s) {
    const rollups = Object.values(USAGE_ROLLUPS);
    s = {
      remove: rollups.map((r) => sqlite.prepare(usageRollupUpsert(r, BY_IDS, '-'))),
      prune: rollups.map((r) => sqlite.prepare(pruneEmpty(r))),
      add: rollups.map((r) => sqlite.prepare(usageRollupUpsert(r, BY_IDS, '+'))),
    };
    prepared.set(sqlite, s);
  }
  return s;
}

/** Subtracts these rows' current contribution. Call inside the transaction that then updates them. */
export function removeFromUsageRollups(sqlite: Database.Database, ids: readonly number[]): void {
  if (!ids.length) return;
  const { remove, prune } = statements(sqlite);
  for (const statement of [...remove, ...prune]) statement.run(JSON.stringify(ids));
}

/** Adds these rows' current contribution (after they were updated, same transaction). */
export function addToUsageRollups(sqlite: Database.Database, ids: readonly number[]): void {
  if (ids.length) for (const statement of statements(sqlite).add) statement.run(JSON.stringify(ids));
}
