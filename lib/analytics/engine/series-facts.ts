import { HOUR_MS, type Dimension } from '@/lib/rollups/definition';
import { subquery } from './dialect';
import { factsFor, rollupsFor } from './facts';
import type { Bucket, Filters } from './filters';
import { localDayFacts, localDays } from './local-day-facts';
import { sql, type Sql } from './sql';

export interface SeriesFacts {
  /** Facts with `t_key` (a bucket start, or a local day's number) and `sign`: sum `sign * measure`. */
  sql: Sql;
  /** A row's `t_key` as its bucket's start, epoch ms (folded into the display bucket afterwards). */
  startOf: (key: number) => number;
}

/**
 * The facts a time series reads. Daily buckets are read as local days (whole UTC days from a daily
 * rollup, corrected by the hours the zone differs, as the finance summary reads them): about 90
 * rows per group over 90 days instead of 2,160 hourly ones, and exact where midnight falls inside
 * an hour. Where no daily rollup holds the dimensions (the endpoint), hours folded into days are
 * faster, and exact when every local midnight is on the hour.
 */
export function seriesFacts(filters: Filters, dimensions: readonly Dimension[], bucket: Bucket): SeriesFacts {
  const { daily, hourly } = rollupsFor(filters, dimensions);
  const midnightsOnTheHour = () => localDays(filters.from.getTime(), filters.to.getTime(), filters.tz).every((d) => d.start % HOUR_MS === 0);
  if (bucket === 'day' && (daily !== hourly || !midnightsOnTheHour())) {
    const facts = localDayFacts(filters, dimensions);
    return { sql: sql`SELECT day_index AS t_key, * FROM ${subquery(facts.sql)}`, startOf: (key) => facts.days[key]!.start };
  }
  return { sql: sql`SELECT bucket_start AS t_key, 1 AS sign, * FROM ${subquery(factsFor(filters, { series: true, dimensions }))}`, startOf: (key) => key };
}
