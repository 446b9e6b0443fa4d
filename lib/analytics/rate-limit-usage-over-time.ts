import type { Db } from '@/db/client';
import { HOUR_MS, MINUTE_MS } from '@/lib/rollups/definition';
import { bucketFor, type Bucket, type Filters } from './filters';
import { rateLimitMinutes } from './rate-limit-minutes';
import { query } from './run';
import { bucketStart } from './time-buckets';

/** One bucket of one series: the busiest minute's tokens on each meter, against the lowest limit seen. */
export interface RateLimitPoint {
  t: number;
  /** Tokens in the bucket's peak minute, per meter (each meter's own peak). */
  promptTokens: number;
  uncachedPromptTokens: number;
  generatedTokens: number;
  /** Lowest limit (tokens/min) Fireworks reported in the bucket; null when no call carried the header. */
  limitPromptTpm: number | null;
  limitUncachedPromptTpm: number | null;
  limitGeneratedTpm: number | null;
  requests: number;
  rateLimited: number;
  overloaded: number;
}

export interface RateLimitSeries {
  model: string;
  /** Set only when the view filters by key (otherwise the model's keys are summed). */
  apiKey: string | null;
  /** Every bucket in the range, zero where there were no calls. */
  points: RateLimitPoint[];
}

export interface RateLimitUsageOverTime {
  bucket: Bucket;
  series: RateLimitSeries[];
  /** Page filters that cannot narrow a per-model, per-key meter. */
  ignoredFilters: string[];
}

interface Row {
  t: number;
  model: string;
  apiKey: string | null;
  promptTokens: number;
  uncachedPromptTokens: number;
  generatedTokens: number;
  limitPromptTpm: number | null;
  limitUncachedPromptTpm: number | null;
  limitGeneratedTpm: number | null;
  requests: number;
  rateLimited: number;
  overloaded: number;
}

const lowest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

function bucketStarts(filters: Filters, bucket: Bucket): number[] {
  const out: number[] = [];
  const to = filters.to.getTime();
  const step = bucket === 'minute' ? MINUTE_MS : HOUR_MS;
  if (bucket !== 'day') {
    for (let t = bucketStart(filters.from.getTime(), bucket, filters.tz); t < to; t += step) out.push(t);
    return out;
  }
  // days are 23–25 h around DST changes: 26 h on from a day's start always lands in the next day
  for (let t = bucketStart(filters.from.getTime(), 'day', filters.tz); t < to; t = bucketStart(t + 26 * HOUR_MS, 'day', filters.tz)) out.push(t);
  return out;
}

/**
 * Tokens per minute against Fireworks' limits over time, per model (and key when filtered by key).
 * Minute buckets are the minutes themselves; hour buckets take the max over their minutes in SQL;
 * day buckets (viewer's zone) fold those hours again with max, so every point is a real minute's peak.
 */
export function rateLimitUsageOverTime(db: Db, filters: Filters): RateLimitUsageOverTime {
  const minutes = rateLimitMinutes(filters);
  const bucket = bucketFor(filters);
  const sqlBucketMs = bucket === 'minute' ? MINUTE_MS : HOUR_MS;
  const rows = query<Row>(
    db,
    `SELECT (minute_start / ${sqlBucketMs}) * ${sqlBucketMs} AS t, model, api_key AS apiKey,
       max(prompt) AS promptTokens, max(uncached) AS uncachedPromptTokens, max(generated) AS generatedTokens,
       min(limit_prompt) AS limitPromptTpm, min(limit_uncached) AS limitUncachedPromptTpm, min(limit_generated) AS limitGeneratedTpm,
       sum(requests) AS requests, sum(rate_limited) AS rateLimited, sum(overloaded) AS overloaded
     FROM (${minutes.sql}) GROUP BY 1, 2, 3 ORDER BY 2, 3, 1`,
    minutes.params,
  );

  const starts = bucketStarts(filters, bucket);
  const bySeries = new Map<string, { series: RateLimitSeries; at: Map<number, RateLimitPoint> }>();
  for (const { model, apiKey, ...point } of rows) {
    const key = `${model}\u0000${apiKey ?? ''}`;
    let entry = bySeries.get(key);
    if (!entry) bySeries.set(key, (entry = { series: { model, apiKey, points: [] }, at: new Map() }));
    const t = bucketStart(point.t, bucket, filters.tz);
    const into = entry.at.get(t);
    if (!into) {
      entry.at.set(t, { ...point, t });
      continue;
    }
    into.promptTokens = Math.max(into.promptTokens, point.promptTokens);
    into.uncachedPromptTokens = Math.max(into.uncachedPromptTokens, point.uncachedPromptTokens);
    into.generatedTokens = Math.max(into.generatedTokens, point.generatedTokens);
    into.limitPromptTpm = lowest(into.limitPromptTpm, point.limitPromptTpm);
    into.limitUncachedPromptTpm = lowest(into.limitUncachedPromptTpm, point.limitUncachedPromptTpm);
    into.limitGeneratedTpm = lowest(into.limitGeneratedTpm, point.limitGeneratedTpm);
    into.requests += point.requests;
    into.rateLimited += point.rateLimited;
    into.overloaded += point.overloaded;
  }

  const series = [...bySeries.values()].map(({ series, at }) => ({
    ...series,
    points: starts.map(
      (t) =>
        at.get(t) ?? {
          t, promptTokens: 0, uncachedPromptTokens: 0, generatedTokens: 0,
          limitPromptTpm: null, limitUncachedPromptTpm: null, limitGeneratedTpm: null, requests: 0, rateLimited: 0, overloaded: 0,
        },
    ),
  }));
  return { bucket, series, ignoredFilters: minutes.ignoredFilters };
}
