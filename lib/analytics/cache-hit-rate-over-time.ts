import type { Db } from '@/db/client';
import { factsFor } from './facts';
import { bucketFor, type Bucket, type Filters } from './filters';
import { query } from './run';
import { foldBuckets } from './time-buckets';

export interface CachePoint {
  t: number;
  promptTokens: number;
  cachedTokens: number;
  uncachedTokens: number;
  /** Token-weighted cached / prompt; null for a bucket without prompt tokens. */
  hitRate: number | null;
  /** Mean of per-request rates in the bucket. */
  perRequestHitRate: number | null;
}

export interface CacheHitRateOverTime {
  bucket: Bucket;
  points: CachePoint[];
}

interface Sums {
  t: number;
  promptTokens: number;
  cachedTokens: number;
  hitRatePpmSum: number;
  requestsWithPrompt: number;
}

/** Prompt-cache hit rate per time bucket, token-weighted and per request, with cached vs uncached prompt tokens. */
export function cacheHitRateOverTime(db: Db, filters: Filters): CacheHitRateOverTime {
  const facts = factsFor(filters, { series: true, dimensions: [] });
  const bucket = bucketFor(filters);
  const fine = query<Sums>(
    db,
    `SELECT bucket_start AS t, sum(prompt_tokens) AS promptTokens, sum(cached_tokens) AS cachedTokens,
       sum(hit_rate_ppm_sum) AS hitRatePpmSum, sum(requests_with_prompt) AS requestsWithPrompt
     FROM (${facts.sql}) GROUP BY 1 ORDER BY 1`,
    facts.params,
  );
  // Rates are computed after folding: averaging hourly rates into a day would weight quiet hours like busy ones.
  const folded = foldBuckets(fine, bucket, filters.tz, (into, p) => {
    into.promptTokens += p.promptTokens;
    into.cachedTokens += p.cachedTokens;
    into.hitRatePpmSum += p.hitRatePpmSum;
    into.requestsWithPrompt += p.requestsWithPrompt;
  });
  const points = folded.map((s) => ({
    t: s.t,
    promptTokens: s.promptTokens,
    cachedTokens: s.cachedTokens,
    uncachedTokens: s.promptTokens - s.cachedTokens,
    hitRate: s.promptTokens > 0 ? s.cachedTokens / s.promptTokens : null,
    perRequestHitRate: s.requestsWithPrompt > 0 ? s.hitRatePpmSum / 1e6 / s.requestsWithPrompt : null,
  }));
  return { bucket, points };
}
