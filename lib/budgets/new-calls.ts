import { inTransaction, isSqlite, type MeterDb } from '@/db/database';
import { execute, query } from '@/lib/analytics/engine/run';
import { raw, sql, type Sql } from '@/lib/analytics/engine/sql';
import type { CallDimensions } from './scope';

/**
 * How far the budget monitor has counted calls, whichever replica recorded them.
 * - SQLite: the newest request id counted. One writer at a time commits ids in order, so the calls
 *   not yet counted are exactly those after it.
 * - PostgreSQL: the snapshot the counts are of. Replicas' ids commit out of order, so an id says
 *   nothing about what else has committed; a snapshot says exactly which batches (recorded_batches,
 *   one row per batch under its transaction id) it saw.
 */
export type Counted = { engine: 'sqlite'; id: number } | { engine: 'pg'; snapshot: string; takenAt: number };

/** A call as the monitor counts it against budgets. */
export interface NewCall extends CallDimensions {
  startedAt: number;
  /** Null or 0: nothing to count. */
  costTotalPico: bigint | null;
}

/** Calls read per query (a replica catching up after a pause reads several pages). */
const PAGE = 5000;

/**
 * Writers prune recorded_batches after an hour (RECORDED_BATCHES_KEEP_MS, lib/recorder/pg-batch-writer.ts):
 * following from a snapshot older than half that could miss batches already pruned, so the monitor
 * reads its totals again instead.
 */
export const FOLLOW_AT_MOST_MS = 30 * 60_000;

/**
 * Runs `read` on one moment of the database and returns, with its result, the point counting
 * stands at in that moment: the totals `read` sums and the mark are of the same commits, whatever
 * other replicas commit meanwhile.
 */
export async function readCounted<T>(db: MeterDb, read: (tx: MeterDb) => Promise<T>): Promise<{ result: T; counted: Counted }> {
  return inSnapshot(db, async (tx) => {
    const counted = await countedNow(tx);
    return { result: await read(tx), counted };
  });
}

/**
 * Hands `count` the calls committed after `from`, each once, with the mark to keep after them.
 * On SQLite page by page (each page a statement of its own, its mark its newest id); on PostgreSQL
 * once, after the one snapshot they are read in has been read to the end.
 */
export async function followCalls(db: MeterDb, from: Counted, count: (calls: NewCall[], counted: Counted) => void): Promise<void> {
  if (from.engine === 'sqlite') {
    let after = from.id;
    let page: NewCall[];
    do {
      const rows = await query<CallRow>(db, callsPage(sql`id > ${after}`));
      page = rows.map(newCall);
      if (rows.length) after = Number(rows.at(-1)!.id);
      count(page, { engine: 'sqlite', id: after });
    } while (page.length === PAGE);
    return;
  }
  const { calls, counted } = await inSnapshot(db, async (tx) => {
    const counted = await countedNow(tx);
    // every batch visible now that was not in the last snapshot: committed in between, each once
    const batches = sql`SELECT unnest(ids) FROM recorded_batches
      WHERE xid >= pg_snapshot_xmin(${from.snapshot}::pg_snapshot)::text::bigint AND NOT pg_visible_in_snapshot(xid::text::xid8, ${from.snapshot}::pg_snapshot)`;
    const calls: NewCall[] = [];
    let after = 0;
    let rows: CallRow[];
    do {
      rows = await query<CallRow>(tx, callsPage(sql`id = ANY(ARRAY(${batches})) AND id > ${after}`));
      calls.push(...rows.map(newCall));
      if (rows.length) after = Number(rows.at(-1)!.id);
    } while (rows.length === PAGE);
    return { calls, counted };
  });
  count(calls, counted);
}

type CallRow = Omit<NewCall, 'costTotalPico' | 'startedAt'> & { id: number | string; startedAt: number | string; costTotalPico: number | string | null };

// The one query both engines follow calls with; only which rows differs.
const callsPage = (which: Sql) =>
  sql`SELECT id, started_at AS startedAt, cost_total_pico AS costTotalPico, team, project, environment, api_key AS apiKey, model, serving_path AS servingPath
    FROM requests WHERE ${which} ORDER BY id LIMIT ${raw(String(PAGE))}`;

// PostgreSQL gives int8 columns as strings
const newCall = ({ id: _id, startedAt, costTotalPico, ...row }: CallRow): NewCall => ({
  ...row,
  team: row.team ?? null,
  project: row.project ?? null,
  environment: row.environment ?? null,
  startedAt: Number(startedAt),
  costTotalPico: costTotalPico === null ? null : BigInt(costTotalPico),
});

async function countedNow(tx: MeterDb): Promise<Counted> {
  if (isSqlite(tx)) {
    const [row] = await query<{ id: number }>(tx, sql`SELECT coalesce(max(id), 0) AS id FROM requests`);
    return { engine: 'sqlite', id: row!.id };
  }
  const [row] = await query<{ snapshot: string }>(tx, sql`SELECT pg_current_snapshot()::text AS snapshot`);
  return { engine: 'pg', snapshot: row!.snapshot, takenAt: Date.now() };
}

/**
 * A read-only transaction that sees one moment throughout: on PostgreSQL REPEATABLE READ (its
 * snapshot, taken at the first statement, is what pg_current_snapshot() returns in it); on SQLite a
 * deferred transaction, which reads one moment of the file without taking the write lock.
 */
async function inSnapshot<T>(db: MeterDb, read: (tx: MeterDb) => Promise<T>): Promise<T> {
  if (!isSqlite(db)) {
    return inTransaction(db, async (tx) => {
      await execute(tx, sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
      return read(tx);
    });
  }
  const sqlite = db.$client;
  if (sqlite.inTransaction) return read(db);
  sqlite.exec('BEGIN');
  try {
    const result = await read(db);
    sqlite.exec('COMMIT');
    return result;
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw error;
  }
}
