import type Database from 'better-sqlite3';
import type pg from 'pg';
import { isSqlite, type MeterDb } from '@/db/database';
import { rawDimensionsSelect, USAGE_ROLLUPS, usageRollupUpsert, type UsageRollup } from './definition';
import { PG_TEXT, SQLITE_TEXT, type RollupText } from './text-dialect';

/**
 * Takes given raw rows out of, or puts them back into, every usage rollup. Every measure is a sum
 * of per-row values, so "remove the rows, change them, add them again" in one transaction leaves
 * the rollups exactly equal to a fresh aggregation, at a cost proportional to the rows changed.
 * Only the usage rollups hold money; the minute and session rollups never need this after re-pricing.
 */
const BY_IDS: Record<RollupText['name'], string> = { sqlite: 'id IN (SELECT value FROM json_each(?))', pg: 'id = ANY($1::bigint[])' };

/**
 * Drops the rollup rows these raw rows counted in once nothing is left in them (a row moved to
 * another team leaves its old group empty), so a group no call has no longer shows as a value.
 */
function pruneEmpty(r: UsageRollup, d: RollupText): string {
  return `DELETE FROM ${r.table} WHERE requests = 0 AND (${r.timeColumn}, ${r.dimensions.join(', ')}) IN (
    SELECT DISTINCT (started_at / ${r.bucketMs}) * ${r.bucketMs}, ${rawDimensionsSelect(r.dimensions, d)} FROM requests WHERE ${BY_IDS[d.name]})`;
}

function statementTexts(d: RollupText) {
  const rollups = Object.values(USAGE_ROLLUPS);
  return {
    remove: [...rollups.map((r) => usageRollupUpsert(r, BY_IDS[d.name], '-', d)), ...rollups.map((r) => pruneEmpty(r, d))],
    add: rollups.map((r) => usageRollupUpsert(r, BY_IDS[d.name], '+', d)),
  };
}

type Phase = 'remove' | 'add';

const SQLITE = statementTexts(SQLITE_TEXT);
const PG = statementTexts(PG_TEXT);

/**
 * On PostgreSQL the rows are locked first, in id order: a statement there reads the rows as they
 * were committed when it began, so another transaction changing them (re-pricing, key teams,
 * retention) between this one's "remove" and "add" would make the two read different rows. Locked,
 * they stay as this transaction sees them until it commits. SQLite's write lock already excludes it.
 */
const LOCK_ROWS = `SELECT id FROM requests WHERE ${BY_IDS.pg} ORDER BY id FOR UPDATE`;

const prepared = new WeakMap<Database.Database, Record<Phase, Database.Statement[]>>();

async function run(tx: MeterDb, phase: Phase, ids: readonly number[]): Promise<void> {
  if (!ids.length) return;
  if (isSqlite(tx)) {
    let statements = prepared.get(tx.$client);
    if (!statements) {
      const prepare = (texts: string[]) => texts.map((text) => tx.$client.prepare(text));
      statements = { remove: prepare(SQLITE.remove), add: prepare(SQLITE.add) };
      prepared.set(tx.$client, statements);
    }
    const json = JSON.stringify(ids);
    for (const statement of statements[phase]) statement.run(json);
    return;
  }
  // inside inTransaction the handle's client is the transaction's one connection
  const client = tx.$client as pg.Pool | pg.PoolClient;
  const values = [ids.map(String)];
  if (phase === 'remove') await client.query({ text: LOCK_ROWS, values });
  for (const [i, text] of PG[phase].entries()) await client.query({ name: `meter-adjust-${phase}-${i}`, text, values });
}

/** Subtracts these rows' current contribution. Call inside the transaction (its `tx`) that then updates them. */
export function removeFromUsageRollups(tx: MeterDb, ids: readonly number[]): Promise<void> {
  return run(tx, 'remove', ids);
}

/** Adds these rows' current contribution (after they were updated, same transaction). */
export function addToUsageRollups(tx: MeterDb, ids: readonly number[]): Promise<void> {
  return run(tx, 'add', ids);
}
