import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';
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

/**
 * bucketStart for many times: remembers the last local day, so times in order cost one zone
 * lookup per day instead of one per row (a zone lookup is tens of microseconds).
 */
export function bucketStarter(bucket: Bucket, tz: string): (t: number) => number {
  if (bucket !== 'day') return (t) => bucketStart(t, bucket, tz);
  let dayStart = NaN;
  let nextDay = NaN;
  return (t) => {
    if (!(t >= dayStart && t < nextDay)) {
      const day = startOfDay(new TZDate(t, tz));
      dayStart = day.getTime();
      nextDay = addDays(day, 1).getTime();
    }
    return dayStart;
  };
}

/** Folds rows keyed by a fine bucket into the display bucket, summing the numeric fields. */
export function foldBuckets<R extends { t: number }>(rows: R[], bucket: Bucket, tz: string, sum: (into: R, row: R) => void): R[] {
  const out = new Map<number, R>();
  const startOf = bucketStarter(bucket, tz);
  for (const row of rows) {
    const t = startOf(row.t);
    const existing = out.get(t);
    if (existing) sum(existing, row);
    else out.set(t, { ...row, t });
  }
  return [...out.values()].sort((a, b) => a.t - b.t);
}

/** The start of every bucket that meets [from, to), so a sparse series can be drawn against real time. */
export function everyBucket(from: number, to: number, bucket: Bucket, tz: string): number[] {
  const startOf = bucketStarter(bucket, tz);
  // a step into the next bucket: local days last 23 to 25 hours
  const step = bucket === 'minute' ? 60_000 : bucket === 'hour' ? 3_600_000 : 26 * 3_600_000;
  const out: number[] = [];
  for (let t = startOf(from); t < to && out.length < 10_000; t = startOf(t + step)) out.push(t);
  return out;
}
