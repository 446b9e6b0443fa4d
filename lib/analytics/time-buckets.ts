import { TZDate } from '@date-fns/tz';
import { startOfDay } from 'date-fns';
import type { Bucket } from './filters';

/**
 * The start of the bucket containing `t`, in the viewer's time zone for days (hour and minute
 * buckets are the same everywhere for whole-hour offsets).
 */
export function bucketStart(t: number, bucket: Bucket, tz: string): number {
  if (bucket === 'minute') return Math.floor(t / 60_000) * 60_000;
  if (bucket === 'hour') return Math.floor(t / 3_600_000) * 3_600_000;
  return startOfDay(new TZDate(t, tz)).getTime();
}

/** Folds rows keyed by a fine bucket into the display bucket, summing the numeric fields. */
export function foldBuckets<R extends { t: number }>(rows: R[], bucket: Bucket, tz: string, sum: (into: R, row: R) => void): R[] {
  const out = new Map<number, R>();
  for (const row of rows) {
    const t = bucketStart(row.t, bucket, tz);
    const existing = out.get(t);
    if (existing) sum(existing, row);
    else out.set(t, { ...row, t });
  }
  return [...out.values()].sort((a, b) => a.t - b.t);
}
