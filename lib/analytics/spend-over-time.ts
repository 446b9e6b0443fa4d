import { z } from 'zod';
import type { Db } from '@/db/client';
import { factsFor } from './engine/facts';
import { bucketFor, filtersSchema, SERVING_PATHS, type Bucket, type Filters } from './engine/filters';
import { query, querySqlite, type AnalyticsDb } from './engine/run';
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

function spendSql(filters: Filters & { groupBy?: SpendGroup }): Sql {
  const dimension = SERIES_GROUPS[filters.groupBy ?? 'servingPath'];
  const facts = factsFor(filters, { series: true, dimensions: [dimension] });
  return sql`SELECT bucket_start AS t, ${raw(dimension)} AS g, sum(cost_micros) + sum(cost_pico_remainder) / 1e6 AS spend FROM ${subquery(facts)} GROUP BY 1, 2 ORDER BY 1`;
}

/**
 * Spend per time bucket stacked by one dimension, in micro-dollars for the chart (fractions kept:
 * exact sums are in the totals). The bucket follows the range unless one is asked for.
 */
export async function spendOverTime(db: AnalyticsDb, filters: Filters & { groupBy?: SpendGroup }, bucket: Bucket = bucketFor(filters)): Promise<GroupedSpendOverTime> {
  return spendSeries(await query<SpendRow>(db, spendSql(filters)), filters, bucket);
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

/** spendOverTimeByServingPath on SQLite, synchronously: for lib/budgets/spend.ts (the budget monitor reads spend synchronously). */
export function spendOverTimeByServingPathSync(db: Db, filters: Filters, bucket: Bucket = bucketFor(filters)): SpendOverTime {
  const byPath = { ...filters, groupBy: 'servingPath' as const };
  const { points } = spendSeries(querySqlite<SpendRow>(db, spendSql(byPath)), byPath, bucket);
  return { bucket, points: points as SpendPoint[] };
}
