import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';
import { DIMENSIONS, HOUR_MS, MEASURES, MINUTE_MS, RAW_GROUP_BY, rawFactsSelect } from '@/lib/rollups/definition';
import { factsFor, filterClause, type Facts } from './facts';
import type { Filters } from './filters';

export interface LocalDay {
  /** YYYY-MM-DD in the zone. */
  day: string;
  /** The day's first instant, epoch ms. */
  start: number;
}

/** The local calendar days that [from, to) touches, in order (DST days are 23 or 25 hours long). */
export function localDays(from: number, to: number, tz: string): LocalDay[] {
  const days: LocalDay[] = [];
  for (let d = startOfDay(new TZDate(from, tz)); d.getTime() < to; d = addDays(d, 1)) {
    days.push({ day: format(d, 'yyyy-MM-dd'), start: d.getTime() });
  }
  return days;
}

/** The index of the day holding `t` (days sorted by start; `t` is never before the first). */
export function dayIndexOf(days: readonly LocalDay[], t: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (days[mid]!.start <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

type Interval = [number, number];

function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => a < b).sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * Facts for [from, to) whose buckets never straddle a local midnight, for answers grouped by the
 * viewer's calendar day. In whole-hour zones that is exactly `factsFor`. Where a midnight falls
 * inside a UTC hour (Asia/Kolkata, +5:30), that hour is read from raw rows by the minute instead
 * of from the rollup, so every call lands on its own local day and totals stay exact.
 */
export function localDayFacts(filters: Filters): Facts {
  const from = filters.from.getTime();
  const to = filters.to.getTime();
  const splits = localDays(from, to, filters.tz)
    .map((d) => d.start)
    .filter((m) => m > from && m < to && m % HOUR_MS !== 0);
  if (!splits.length) return factsFor(filters);

  const wholeFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const wholeTo = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (wholeFrom >= wholeTo) return rawOnly(filters, [[from, to]]);
  const rawHours = splits.map((m) => Math.floor(m / HOUR_MS) * HOUR_MS);
  const raw = merge([
    [from, wholeFrom],
    [wholeTo, to],
    ...rawHours.map((h): Interval => [Math.max(h, from), Math.min(h + HOUR_MS, to)]),
  ]);

  const params: (string | number)[] = [wholeFrom, wholeTo, ...rawHours];
  const rollupWhere = filterClause(filters, params);
  const rollup = `SELECT hour_start AS bucket_start, ${DIMENSIONS.join(', ')}, ${MEASURES.join(', ')} FROM usage_hourly
    WHERE hour_start >= ? AND hour_start < ? AND hour_start NOT IN (${rawHours.map(() => '?').join(', ')})${rollupWhere}`;
  const rawPart = rawOnly(filters, raw);
  return { sql: `${rollup} UNION ALL ${rawPart.sql}`, params: [...params, ...rawPart.params] };
}

function rawOnly(filters: Filters, intervals: Interval[]): Facts {
  const params: (string | number)[] = intervals.flat();
  const within = intervals.map(() => '(started_at >= ? AND started_at < ?)').join(' OR ');
  const where = filterClause(filters, params);
  return {
    sql: `SELECT ${rawFactsSelect(MINUTE_MS)} FROM requests WHERE (${within})${where} GROUP BY ${RAW_GROUP_BY}`,
    params,
  };
}
