import type pg from 'pg';
import { getTableColumns } from 'drizzle-orm';
import { requests } from '@/db/schema-pg';
import type { NewRequestRow } from '@/db/schema';
import { rollupStatements } from '@/lib/rollups/apply';
import { MINUTE_MS } from '@/lib/rollups/definition';
import { PG_TEXT, type RollupText } from '@/lib/rollups/text-dialect';
import type { JournalPosition } from './journal';
import { newRecordId } from './record-id';

/**
 * The recorder's batch write on PostgreSQL: one transaction inserts the batch's request rows, adds
 * exactly the rows it inserted to every rollup SQLite's applyRollups maintains (lib/rollups/apply.ts,
 * the same statements written with PG_TEXT), saves the journal mark, and, when it added rows, records
 * their ids in recorded_batches under its transaction id (the budget monitor follows that table).
 *
 * Concurrent writers (replicas on one database) are exact:
 * - rows are rolled up by the ids `INSERT … RETURNING id` gave back (`id = ANY($1)`), never by an id
 *   range: identity ids of two writers interleave and commit out of order;
 * - a replayed row (its record id already stored) is skipped by ON CONFLICT and rolled up by nobody;
 * - rows are inserted in record-id order and every rollup is upserted in primary-key order, so two
 *   transactions lock shared rows in the same order and cannot deadlock;
 * - the hourly rate-limit rollup's '*' rows read the minute totals of every key of a model, rows
 *   another writer may be changing: the batch takes a transaction advisory lock per (model, minute)
 *   it touches (sorted) before the rate-limit upserts, so a second writer on the same minute waits
 *   for the first to commit and then reads its totals (a batch over more than MAX_MINUTE_LOCKS
 *   minutes takes one exclusive lock instead);
 * `strategy: 'table-locks'` is the alternative measured by bench/recorder-pg.ts: one advisory lock
 * per rollup table, in a fixed order, before its upsert (no ORDER BY), so rollups are written by one
 * transaction at a time.
 */
export type LockStrategy = 'ordered' | 'table-locks';

export interface PgBatchMark {
  journal: string;
  position: JournalPosition;
}

export interface PgBatchResult {
  /** Ids the batch inserted, in the order PostgreSQL returned them. */
  ids: number[];
  /** The rows inserted (record ids not already stored), in the batch's order: what budgets count. */
  added: NewRequestRow[];
}

export interface PgBatchOptions {
  mark?: PgBatchMark;
  strategy?: LockStrategy;
  /** Awaited just before COMMIT, every lock still held: for tests that hold one writer there while another runs. */
  beforeCommit?: () => Promise<void>;
}

const COLUMNS = Object.entries(getTableColumns(requests)).filter(([key]) => key !== 'id');
const NAMES = COLUMNS.map(([, c]) => `"${c.name}"`).join(', ');

// One array parameter per column (unnest), whatever the batch size: a VALUES list would pass
// PostgreSQL's 65,535 bind parameters at ~1,300 rows of 50 columns, and is slower to parse.
const INSERT_SQL = `INSERT INTO requests (${NAMES})
  SELECT ${NAMES} FROM unnest(${COLUMNS.map(([, c], i) => `$${i + 1}::${c.getSQLType()}[]`).join(', ')}) AS r(${NAMES})
  ORDER BY "record_id"
  ON CONFLICT (record_id) DO NOTHING
  RETURNING id, record_id`;

const MARK_SQL = `INSERT INTO journal_marks (journal, segment, "offset", updated_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (journal) DO UPDATE SET segment = excluded.segment, "offset" = excluded."offset", updated_at = excluded.updated_at`;

const BATCH_IDS = 'id = ANY($1::bigint[])';

// The batch under its transaction's id, for readers that follow commits with snapshots (db/schema-pg/recorded-batches.ts).
const RECORDED_BATCH_SQL = 'INSERT INTO recorded_batches (xid, ids, recorded_at) VALUES (pg_current_xact_id()::text::bigint, $1::bigint[], $2)';

/** recorded_batches rows older than this go; a follower away longer reloads its totals instead. */
export const RECORDED_BATCHES_KEEP_MS = 3_600_000;
const PRUNE_EVERY_MS = 60_000;
// SKIP LOCKED: writers pruning at the same moment each take other rows (or none) instead of waiting on one another.
const PRUNE_SQL = 'DELETE FROM recorded_batches WHERE xid IN (SELECT xid FROM recorded_batches WHERE recorded_at < $1 FOR UPDATE SKIP LOCKED)';
/** When each pool last pruned: its first batch prunes, then one a minute. */
const lastPruned = new WeakMap<pg.Pool, number>();

/** A lock held longer than this by another transaction fails the batch (55P03), which is retried: a stuck write then shows in failedAttempts. */
const LOCK_TIMEOUT = '10s';

/** Rate-limit statements come after the usage rollups (apply.ts's order): where the minute locks go. */
const RATE_LIMIT_STATEMENT_INDEX = rollupStatements(BATCH_IDS, PG_TEXT).findIndex((s) => s.includes('INSERT INTO rate_limit_minutely'));

const UNORDERED_PG: RollupText = { ...PG_TEXT, orderBy: () => '' };

interface Plan {
  /** `lock`: the lock statements to run before the statement, for this batch's rows. */
  statements: { name: string; text: string; lock?: (rows: readonly NewRequestRow[]) => string[] }[];
}

// Every (model, minute) of the batch, locked in one sorted pass (a hash collision only serializes more).
const MINUTE_LOCKS_SQL = `SELECT pg_advisory_xact_lock(k) FROM (
    SELECT DISTINCT hashtextextended(model || '|' || (started_at / ${MINUTE_MS})::text, 7) AS k FROM requests WHERE ${BATCH_IDS} ORDER BY 1
  ) AS minutes`;

/** pg_advisory_xact_lock keys of the table-locks strategy: "meterRl" in ASCII, plus the statement's index. */
const TABLE_LOCK_BASE = 0x6d657465_72526c00n;

/**
 * PostgreSQL's lock table holds max_locks_per_transaction × connections locks (some thousands) for
 * every transaction at once: a batch spread over many minutes (a seed's 5,000 calls over 30 days,
 * 20,000 of them failed with 53200 "out of shared memory") takes this one lock exclusively instead
 * of a lock per minute. Batches under the limit hold it shared, so the two kinds exclude each other.
 */
const MAX_MINUTE_LOCKS = 1000;
const RATE_LIMIT_STAGE_LOCK = (TABLE_LOCK_BASE + 0x41n).toString();

function minuteLocks(rows: readonly NewRequestRow[]): string[] {
  const minutes = new Set(rows.map((r) => `${r.model}|${Math.floor(r.startedAt / MINUTE_MS)}`));
  if (minutes.size > MAX_MINUTE_LOCKS) return [`SELECT pg_advisory_xact_lock(${RATE_LIMIT_STAGE_LOCK})`];
  return [`SELECT pg_advisory_xact_lock_shared(${RATE_LIMIT_STAGE_LOCK})`, MINUTE_LOCKS_SQL];
}

const PLANS: Record<LockStrategy, Plan> = {
  ordered: {
    statements: rollupStatements(BATCH_IDS, PG_TEXT).map((text, i) => ({
      name: `meter-rollup-o${i}`,
      text,
      lock: i === RATE_LIMIT_STATEMENT_INDEX ? minuteLocks : undefined,
    })),
  },
  'table-locks': {
    statements: rollupStatements(BATCH_IDS, UNORDERED_PG).map((text, i) => ({
      name: `meter-rollup-t${i}`,
      text,
      lock: () => [`SELECT pg_advisory_xact_lock(${(TABLE_LOCK_BASE + BigInt(i)).toString()})`],
    })),
  },
};

function columnArrays(rows: readonly NewRequestRow[]): unknown[][] {
  return COLUMNS.map(([key]) => rows.map((row) => row[key as keyof NewRequestRow] ?? null));
}

/** One transaction: the rows, their rollups, the journal mark. Throws (and rolls back) on any error. */
export async function writeBatchPg(pool: pg.Pool, rows: readonly NewRequestRow[], options: PgBatchOptions = {}): Promise<PgBatchResult> {
  for (const row of rows) row.recordId ??= newRecordId();
  const plan = PLANS[options.strategy ?? 'ordered'];
  // openPostgres gives every client an 'error' listener, so a connection dying mid-batch only fails the batch
  const client = await pool.connect();
  let broken = false;
  let released = false;
  try {
    // JIT compiles a statement the planner thinks costly (no statistics yet on a young table): on
    // these small upserts it cost more than it saved (bench: a fifth of the batch time)
    await client.query(`BEGIN; SET LOCAL jit = off; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const ids: number[] = [];
    const addedIds = new Set<string>();
    if (rows.length) {
      const inserted = await client.query<{ id: string; record_id: string }>({ name: 'meter-insert-requests', text: INSERT_SQL, values: columnArrays(rows) });
      for (const r of inserted.rows) {
        ids.push(Number(r.id));
        addedIds.add(r.record_id);
      }
    }
    if (ids.length) {
      const idParam = [ids.map(String)];
      await client.query({ name: 'meter-recorded-batch', text: RECORDED_BATCH_SQL, values: [idParam[0], Date.now()] });
      for (const statement of plan.statements) {
        for (const lock of statement.lock?.(rows) ?? []) await client.query(lock, lock.includes('$1') ? idParam : []);
        await client.query({ name: statement.name, text: statement.text, values: idParam });
      }
    }
    const { mark } = options;
    if (mark) await client.query({ name: 'meter-journal-mark', text: MARK_SQL, values: [mark.journal, mark.position.segment, mark.position.offset, Date.now()] });
    await options.beforeCommit?.();
    await client.query('COMMIT');
    const added = rows.filter((row) => addedIds.delete(row.recordId!)); // delete: a record id twice in one batch is added once
    client.release();
    released = true;
    await pruneRecordedBatches(pool);
    return { ids, added };
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection is gone or unusable: do not hand it back to the pool
    }
    throw error;
  } finally {
    if (!released) client.release(broken);
  }
}

/** Now and then, after a commit: drops recorded_batches rows past RECORDED_BATCHES_KEEP_MS. */
async function pruneRecordedBatches(pool: pg.Pool, now = Date.now()): Promise<void> {
  if (now - (lastPruned.get(pool) ?? -Infinity) < PRUNE_EVERY_MS) return;
  lastPruned.set(pool, now);
  try {
    await pool.query({ name: 'meter-prune-recorded-batches', text: PRUNE_SQL, values: [now - RECORDED_BATCHES_KEEP_MS] });
  } catch {
    // the batch is committed; the rows go at a later prune
  }
}

/**
 * PostgreSQL errors that say "not now" rather than "never this row": serialization failure,
 * deadlock, lock timeout, lock not available, admin shutdown / crash, connection failures, too many
 * connections, and errors without an SQLSTATE (a refused connection, a pool timeout).
 */
export function isTransientPg(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return ['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '53300', '53400', '25006'].includes(code) || code.startsWith('08');
}
