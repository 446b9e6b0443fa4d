import { HOUR_MS, MINUTE_MS } from '@/lib/rollups/definition';
import { bucketFor, type Bucket, type Filters } from './engine/filters';
import { rateLimitHours, splitRateLimitRange } from './engine/rate-limit-hours';
import { ignoredRateLimitFilters, rateLimitMinutes, type MeterCounts, type MeterReading, type MinuteRange } from './engine/rate-limit-minutes';
import { query, type AnalyticsDb } from './engine/run';
import { int64, subquery } from './engine/dialect';
import { join, raw, sql, type Sql } from './engine/sql';
import { bucketStart } from './engine/time-buckets';

/** One bucket of one series: each meter's busiest minute in the bucket, against the lowest limit seen. */
export interface RateLimitPoint extends MeterReading, MeterCounts {}

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

interface Row extends RateLimitPoint {
  model: string;
  apiKey: string | null;
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
 * The shown bucket a row's start falls in, or undefined before the first (in a half-hour zone the
 * hour a range starts in can belong to the day before). Days come from the range's own day starts
 * by binary search: a time-zone conversion per row costs more than the query over 90 days.
 */
function bucketFinder(starts: number[], bucket: Bucket, tz: string): (t: number) => number | undefined {
  if (bucket !== 'day') return (t) => bucketStart(t, bucket, tz);
  return (t) => {
    if (!starts.length || t < starts[0]!) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo];
  };
}

const HOUR_FIGURES = `busiest_prompt_tokens AS promptTokens, busiest_uncached_prompt_tokens AS uncachedPromptTokens,
  busiest_generated_tokens AS generatedTokens, limit_prompt AS limitPromptTpm, limit_uncached AS limitUncachedPromptTpm,
  limit_generated AS limitGeneratedTpm, requests, rate_limited AS rateLimited, overloaded`;

/**
 * The whole hours as Row-shaped SQL: one row per hour, or for day buckets already folded into the
 * days in SQL (tens of thousands of hours over 90 days cost more to hand to JavaScript than to
 * fold). Each day's hours are one index range, joined from a list of the days' bounds.
 */
function hourParts(filters: Filters, hours: MinuteRange, dayStarts: number[] | null): Sql {
  if (!dayStarts) return sql`SELECT hour_start AS t, model, api_key AS apiKey, ${raw(HOUR_FIGURES)} FROM ${subquery(rateLimitHours(filters, hours))}`;
  // the first day starts at or before `from`, so together the days cover every whole hour
  const clip = (t: number) => Math.min(Math.max(t, hours.from), hours.to);
  const dayList = dayStarts.map((t, i) => [t, clip(t), clip(dayStarts[i + 1] ?? hours.to)] as const).filter(([, lo, hi]) => lo < hi);
  const table = sql`(SELECT column1 AS day, column2 AS lo, column3 AS hi FROM ${subquery(sql`VALUES ${join(dayList.map((d) => sql`(${join(d.map((v) => int64(v)), ', ')})`), ', ')}`)}) d`;
  const hourRows = rateLimitHours(filters, { from: raw('d.lo'), to: raw('d.hi'), join: { table, select: 'd.day' } });
  return sql`SELECT day AS t, model, api_key AS apiKey,
      max(busiest_prompt_tokens) AS promptTokens, max(busiest_uncached_prompt_tokens) AS uncachedPromptTokens,
      max(busiest_generated_tokens) AS generatedTokens, min(limit_prompt) AS limitPromptTpm, min(limit_uncached) AS limitUncachedPromptTpm,
      min(limit_generated) AS limitGeneratedTpm, sum(requests) AS requests, sum(rate_limited) AS rateLimited, sum(overloaded) AS overloaded
    FROM ${subquery(hourRows)} GROUP BY 1, 2, 3`;
}

/**
 * Tokens per minute against Fireworks' limits over time, per model (and key when filtered by key).
 * Minute buckets are the minutes themselves; hour buckets take the max over their minutes (the
 * hourly rollup's busiest minute for whole hours, the minutes themselves at the range's edges);
 * day buckets (viewer's zone) fold those hours again with max, so every point is a real minute's peak.
 */
export async function rateLimitUsageOverTime(db: AnalyticsDb, filters: Filters): Promise<RateLimitUsageOverTime> {
  const bucket = bucketFor(filters);
  const sqlBucketMs = raw(String(bucket === 'minute' ? MINUTE_MS : HOUR_MS));
  const split = splitRateLimitRange(filters);
  const parts = split.edges.map((edge) => {
    const minutes = rateLimitMinutes(filters, edge);
    return sql`SELECT (minute_start / ${sqlBucketMs}) * ${sqlBucketMs} AS t, model, api_key AS apiKey,
       max(prompt) AS promptTokens, max(uncached) AS uncachedPromptTokens, max(generated) AS generatedTokens,
       min(limit_prompt) AS limitPromptTpm, min(limit_uncached) AS limitUncachedPromptTpm, min(limit_generated) AS limitGeneratedTpm,
       sum(requests) AS requests, sum(rate_limited) AS rateLimited, sum(overloaded) AS overloaded
     FROM ${subquery(minutes.sql)} GROUP BY 1, 2, 3`;
  });
  const starts = bucketStarts(filters, bucket);
  if (split.hours) parts.push(hourParts(filters, split.hours, bucket === 'day' ? starts : null));
  // an edge's hour and the whole hours can share a day: the fold below merges rows of one bucket
  const rows = await query<Row>(db, sql`SELECT * FROM ${subquery(join(parts, ' UNION ALL '))} ORDER BY 2, 3, 1`);

  const bucketOf = bucketFinder(starts, bucket, filters.tz);
  const bySeries = new Map<string, { series: RateLimitSeries; at: Map<number, RateLimitPoint> }>();
  for (const { model, apiKey, ...point } of rows) {
    const key = `${model}\u0000${apiKey ?? ''}`;
    let entry = bySeries.get(key);
    if (!entry) bySeries.set(key, (entry = { series: { model, apiKey, points: [] }, at: new Map() }));
    const t = bucketOf(point.t);
    if (t === undefined) continue;
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
  return { bucket, series, ignoredFilters: ignoredRateLimitFilters(filters) };
}
