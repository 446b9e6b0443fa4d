import type pg from 'pg';
import type { Db } from '@/db/client';
import { isSqlite, type MeterDb } from '@/db/database';
import { render, sql } from '@/lib/analytics/engine/sql';
import { sessionLock } from '@/db/client-pg';

const BATCH = 10_000;

/** pg_try_advisory_lock key held while one replica applies retention: "meterRet" in ASCII. */
export const RETENTION_LOCK_KEY = 0x6d65746572526574n;

/** One bounded delete of raw rows that started before `cutoff`, the same text on both engines. */
const oldRows = (cutoff: number, batch: number) => sql`DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE started_at < ${cutoff} LIMIT ${batch})`;

/**
 * Drops raw request rows that started before `cutoff`, a batch per transaction so the writer is
 * never held for long. The rollups are left as they are: totals for old ranges stay, only the
 * per-request log and the partial hours at an old range's edges go.
 */
export function dropRawRowsBefore(db: Db, cutoff: number, batch = BATCH): number {
  const { text, params } = render(oldRows(cutoff, batch), 'sqlite');
  const remove = db.$client.prepare(text);
  let total = 0;
  for (;;) {
    const { changes } = remove.run(...params);
    total += changes;
    if (changes < batch) return total;
  }
}

/**
 * The same on PostgreSQL, by one replica at a time: under a session advisory lock on one pooled
 * connection, each batch its own transaction. Resolves to null when another replica holds the lock
 * (it is doing this work now).
 */
export async function dropRawRowsBeforePg(pool: pg.Pool, cutoff: number, batch = BATCH): Promise<number | null> {
  const lock = await sessionLock(pool, RETENTION_LOCK_KEY);
  if (!lock) return null;
  try {
    const { text, params } = render(oldRows(cutoff, batch), 'pg');
    let total = 0;
    for (;;) {
      const changes = (await lock.client.query(text, params)).rowCount ?? 0;
      total += changes;
      // at shutdown pool.end() waits for this client: stop between batches, the next run goes on
      if (changes < batch || pool.ending) return total;
    }
  } finally {
    await lock.release();
  }
}

/** Applies RETENTION_DAYS now and then every hour; 0 keeps everything. */
export function scheduleRetention(db: MeterDb, days: number, log: (m: string) => void): NodeJS.Timeout | undefined {
  if (days <= 0) return undefined;
  let running = false;
  const run = async () => {
    if (running) return; // the last hour's run is still deleting
    running = true;
    try {
      const cutoff = Date.now() - days * 86_400_000;
      const dropped = isSqlite(db) ? dropRawRowsBefore(db, cutoff) : await dropRawRowsBeforePg(db.$client, cutoff);
      if (dropped) log(`retention: dropped ${dropped} raw rows older than ${days} days (rollups kept)`);
    } catch (error) {
      log(`retention: dropping old raw rows failed (${String(error)}); trying again in an hour`);
    } finally {
      running = false;
    }
  };
  void run();
  return setInterval(() => void run(), 3_600_000).unref();
}
