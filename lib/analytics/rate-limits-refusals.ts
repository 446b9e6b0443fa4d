import { factsFor } from './engine/facts';
import { bucketFor, type Bucket, type Filters } from './engine/filters';
import { query, type AnalyticsDb } from './engine/run';
import { subquery } from './engine/dialect';
import { sql } from './engine/sql';
import { everyBucket, foldBuckets } from './engine/time-buckets';
import { totalsBy } from './engine/totals';

/** Calls Fireworks turned away, by why: 429 rate limited, 503 overloaded (Spot's "no capacity" too), 402 a spending cap. */
export interface Refusals {
  rateLimited: number;
  overloaded: number;
  paymentRequired: number;
}

export interface RateLimitRefusals {
  bucket: Bucket;
  points: ({ t: number } & Refusals)[];
  /** Keys with any refusal in the range, most refused first (at most 20). */
  byKey: ({ apiKey: string; requests: number } & Refusals)[];
}

const REFUSALS = ['rateLimited', 'overloaded', 'paymentRequired'] as const;

/** 429s, 503s and 402s over time and by API key, from the usage rollups. */
export async function rateLimitRefusals(db: AnalyticsDb, filters: Filters): Promise<RateLimitRefusals> {
  const facts = factsFor(filters, { series: true, dimensions: [] });
  const bucket = bucketFor(filters);
  const fine = await query<{ t: number } & Refusals>(
    db,
    sql`SELECT bucket_start AS t, sum(rate_limited) AS rateLimited, sum(overloaded) AS overloaded, sum(payment_required) AS paymentRequired
     FROM ${subquery(facts)} GROUP BY 1 ORDER BY 1`,
  );
  const counted = new Map(
    foldBuckets(fine, bucket, filters.tz, (into, p) => {
      for (const k of REFUSALS) into[k] += p[k];
    }).map((p) => [p.t, p]),
  );
  // every bucket, zeros included: refusals are sparse and the chart's axis is one point per bucket
  const points = everyBucket(filters.from.getTime(), filters.to.getTime(), bucket, filters.tz).map(
    (t) => counted.get(t) ?? { t, rateLimited: 0, overloaded: 0, paymentRequired: 0 },
  );
  const byKey = (await totalsBy(db, filters, ['api_key']))
    .map((t) => ({ apiKey: t.api_key, requests: t.requests, rateLimited: t.rateLimited, overloaded: t.overloaded, paymentRequired: t.paymentRequired }))
    .filter((k) => k.rateLimited + k.overloaded + k.paymentRequired > 0)
    .sort((a, b) => b.rateLimited + b.overloaded + b.paymentRequired - (a.rateLimited + a.overloaded + a.paymentRequired) || a.apiKey.localeCompare(b.apiKey))
    .slice(0, 20);
  return { bucket, points, byKey };
}
