import { HOUR_MS } from '@/lib/rollups/definition';
import { hourLookupBounds, int64 } from './dialect';
import { query, type AnalyticsDb } from './run';
import { list, raw, sql, type Sql } from './sql';

const H = raw(String(HOUR_MS));
const HOUR = sql`started_at / ${H}`;

/**
 * Below this many matches per hour of the range on average the matches are sorted instead: each
 * hour's lookup walks the hour's values until one matches, so a rare model would be read hour after
 * hour (1 s at 90 days of 1M calls on PostgreSQL, against milliseconds through its own index).
 */
const MATCHES_PER_HOUR = 4;

/** The columns with an index that leads with the hour (db/schema/requests.ts): the log's other orders sort the range whole. */
const INDEXED_BY_HOUR: ReadonlySet<string> = new Set(['cost_total_pico']);

/**
 * The rows `offset` to `offset + wanted` of the range, largest `column` first (ties newest first), as
 * an `id IN (…)` condition; null when this plan cannot skip anything and the whole range is sorted.
 *
 * Each hour's largest value comes from an index that leads with the hour (db/schema/requests.ts),
 * one short index walk per hour. With M = offset + wanted and T the M-th largest hourly value, the
 * M hours with the largest values each hold a row at least T, so the top M rows are all at least T,
 * and such rows lie only in hours whose largest is at least T: those are read and sorted, a few
 * hundred rows instead of the whole range. With fewer than M hours holding a value, null values
 * (sorted last) reach the page and nothing can be skipped. `matches` is the log's count of the
 * rows the filters leave (exact, or at least that many). Null too for a column without such an index.
 */
export async function topRowsByHour(
  db: AnalyticsDb,
  { column, filters, matches, from, to, order, wanted, offset }: {
    column: string; filters: Sql; matches: { count: number; atLeast: boolean }; from: number; to: number; order: string; wanted: number; offset: number;
  },
): Promise<Sql | null> {
  const low = Math.floor(from / HOUR_MS);
  const high = Math.floor((to - 1) / HOUR_MS);
  const m = offset + wanted;
  const hourCount = high - low + 1;
  if (!INDEXED_BY_HOUR.has(column) || hourCount < m || (!matches.atLeast && matches.count < MATCHES_PER_HOUR * hourCount)) return null;
  const value = raw(column);
  // Each hour with its own bounds (the range's at either end) for SQLite: see hourLookupBounds.
  // As text: a cost in pico-dollars can pass 2^53 (named apart, or PostgreSQL's ORDER BY sorts the text).
  const largest = await query<{ h: number; largest: string | null }>(
    db,
    sql`WITH RECURSIVE log_hours(h, low_ms, high_ms) AS (
       SELECT ${int64(high)}, ${int64(Math.max(from, high * HOUR_MS))}, ${int64(to)}
       UNION ALL SELECT h - 1, CASE WHEN (h - 1) * ${H} > ${from} THEN (h - 1) * ${H} ELSE ${from} END, h * ${H} FROM log_hours WHERE h > ${low})
     SELECT h, (SELECT CAST(${value} AS TEXT) AS hour_largest FROM requests WHERE ${HOUR} = log_hours.h AND ${hourLookupBounds(from, to)}
       AND ${value} IS NOT NULL${filters} ORDER BY ${value} DESC LIMIT 1) AS largest FROM log_hours`,
  );
  const hours = largest.filter((r) => r.largest !== null).map((r) => ({ h: Number(r.h), largest: BigInt(r.largest!) }));
  if (hours.length < m) return null;
  const threshold = hours.map((r) => r.largest).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))[m - 1]!;
  const chosen = hours.filter((r) => r.largest >= threshold).map((r) => r.h);
  return sql`id IN (SELECT id FROM requests WHERE ${HOUR} IN (${list(chosen)}) AND started_at >= ${from} AND started_at < ${to}
    AND ${value} >= ${int64(threshold.toString(), true)}${filters}
    ORDER BY ${raw(order)} LIMIT ${wanted} OFFSET ${offset})`;
}
