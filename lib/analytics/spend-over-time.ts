import { z } from 'zod';
import { seriesFacts } from './engine/series-facts';
import { bucketFor, filtersSchema, SERVING_PATHS, type Bucket, type Filters } from './engine/filters';
import { query, type AnalyticsDb } from './engine/run';
import { subquery } from './engine/dialect';
import { raw, sql, type Sql } from './engine/sql';
import { keptGroups, SERIES_GROUPS, seriesGroupSchema, type SeriesGroup } from './engine/series-groups';
import { foldBuckets } from './engine/time-buckets';

export { OTHER } from './engine/series-groups';
type SpendGroup = SeriesGroup;

export const spendOverTimeQuerySchema = filtersSchema.and(z.object({ groupBy: seriesGroupSchema.default('servingPath') }));

export type SpendPoint = { t: number } & Record<(typeof SERVING_PATHS)[number], number>;

export interface SpendOverTime {
  bucket: Bucket;
  points: SpendPoint[];
}

export interface GroupedSpendOverTime {
  bucket: Bucket;
  groupBy: SpendGroup;
  /** Series keys, largest spend first ('' is calls without that value, OTHER the rest). */
  groups: string[];
  points: ({ t: number } & Record<string, number>)[];
}

type SpendRow = { t: number; g: string; spend: number };

function spendQuery(filters: Filters & { groupBy?: SpendGroup }, bucket: Bucket): { fragment: Sql; rows: (found: SpendRow[]) => SpendRow[] } {
  const dimension = SERIES_GROUPS[filters.groupBy ?? 'servingPath'];
  const facts = seriesFacts(filters, [dimension], bucket);
  return {
    fragment: sql`SELECT t_key AS t, ${raw(dimension)} AS g, sum(sign * cost_micros) + sum(sign * cost_pico_remainder) / 1e6 AS spend FROM ${subquery(facts.sql)} GROUP BY 1, 2 ORDER BY 1`,
    rows: (found) => found.map((r) => ({ ...r, t: facts.startOf(r.t) })),
  };
}

/**
 * Spend per time bucket stacked by one dimension, in micro-dollars for the chart (fractions kept:
 * exact sums are in the totals). The bucket follows the range unless one is asked for.
 */
export async function spendOverTime(db: AnalyticsDb, filters: Filters & { groupBy?: SpendGroup }, bucket: Bucket = bucketFor(filters)): Promise<GroupedSpendOverTime> {
  const q = spendQuery(filters, bucket);
  return spendSeries(q.rows(await query<SpendRow>(db, q.fragment)), filters, bucket);
}

function spendSeries(rows: SpendRow[], filters: Filters & { groupBy?: SpendGroup }, bucket: Bucket): GroupedSpendOverTime {
  const groupBy = filters.groupBy ?? 'servingPath';
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.g, (totals.get(r.g) ?? 0) + r.spend);
  const { kept, seriesOf: series } = keptGroups(groupBy, totals);
  const fine = new Map<number, { t: number } & Record<string, number>>();
  for (const row of rows) {
    const point = fine.get(row.t) ?? ({ t: row.t, ...Object.fromEntries(kept.map((g) => [g, 0])) } as { t: number } & Record<string, number>);
    point[series(row.g)] = (point[series(row.g)] ?? 0) + row.spend;
    fine.set(row.t, point);
  }
  const points = foldBuckets([...fine.values()], bucket, filters.tz, (into, p) => {
    for (const g of kept) into[g] = (into[g] ?? 0) + (p[g] ?? 0);
  });
  return { bucket, groupBy, groups: kept, points };
}

/** Spend over time stacked by serving path, every path a key of each point. */
export async function spendOverTimeByServingPath(db: AnalyticsDb, filters: Filters, bucket: Bucket = bucketFor(filters)): Promise<SpendOverTime> {
  const { points } = await spendOverTime(db, { ...filters, groupBy: 'servingPath' }, bucket);
  return { bucket, points: points as SpendPoint[] };
}
