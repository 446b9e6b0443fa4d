import type { Db } from '@/db/client';
import { factsFor } from './facts';
import { bucketFor, SERVING_PATHS, type Bucket, type Filters } from './filters';
import { query } from './run';
import { foldBuckets } from './time-buckets';

export type SpendPoint = { t: number } & Record<(typeof SERVING_PATHS)[number], number>;

export interface SpendOverTime {
  bucket: Bucket;
  points: SpendPoint[];
}

/**
 * Spend per time bucket, stacked by serving path, in micro-dollars for the chart (fractions kept:
 * exact sums are in the totals). The bucket follows the range unless one is asked for.
 */
export function spendOverTimeByServingPath(db: Db, filters: Filters, bucket: Bucket = bucketFor(filters)): SpendOverTime {
  const facts = factsFor(filters, { series: true, dimensions: ['serving_path'] });
  const rows = query<{ t: number; servingPath: string; spend: number }>(
    db,
    `SELECT bucket_start AS t, serving_path AS servingPath, sum(cost_micros) + sum(cost_pico_remainder) / 1e6 AS spend FROM (${facts.sql}) GROUP BY 1, 2 ORDER BY 1`,
    facts.params,
  );
  const fine = new Map<number, SpendPoint>();
  for (const row of rows) {
    const point = fine.get(row.t) ?? ({ t: row.t, ...Object.fromEntries(SERVING_PATHS.map((p) => [p, 0])) } as SpendPoint);
    point[row.servingPath as keyof Omit<SpendPoint, 't'>] += row.spend;
    fine.set(row.t, point);
  }
  const points = foldBuckets([...fine.values()], bucket, filters.tz, (into, p) => {
    for (const path of SERVING_PATHS) into[path] += p[path];
  });
  return { bucket, points };
}
