import type { Db } from '@/db/client';

const BATCH = 10_000;

/**
 * Drops raw request rows that started before `cutoff`, a batch per transaction so the writer is
 * never held for long. The rollups are left as they are: totals for old ranges stay, only the
 * per-request log and the partial hours at an old range's edges go.
 */
export function dropRawRowsBefore(db: Db, cutoff: number): number {
  const remove = db.$client.prepare(`DELETE FROM requests WHERE id IN (SELECT id FROM requests WHERE started_at < ? LIMIT ${BATCH})`);
  let total = 0;
  for (;;) {
    const { changes } = remove.run(cutoff);
    total += changes;
    if (changes < BATCH) return total;
  }
}

/** Applies RETENTION_DAYS now and then every hour; 0 keeps everything. */
export function scheduleRetention(db: Db, days: number, log: (m: string) => void): NodeJS.Timeout | undefined {
  if (days <= 0) return undefined;
  const run = () => {
    const dropped = dropRawRowsBefore(db, Date.now() - days * 86_400_000);
    if (dropped) log(`retention: dropped ${dropped} raw rows older than ${days} days (rollups kept)`);
  };
  run();
  return setInterval(run, 3_600_000).unref();
}
