import { z } from 'zod';
import { seriesFacts } from './engine/series-facts';
import { bucketFor, filtersSchema, type Bucket, type Filters } from './engine/filters';
import { query, type AnalyticsDb } from './engine/run';
import { subquery } from './engine/dialect';
import { raw, sql } from './engine/sql';
import { keptGroups, SERIES_GROUPS, seriesGroupSchema, type SeriesGroup } from './engine/series-groups';
import { foldBuckets } from './engine/time-buckets';

export const cacheOverTimeQuerySchema = filtersSchema.and(
  z.object({ groupBy: z.preprocess((v) => (v === '' || v === 'none' ? undefined : v), seriesGroupSchema.optional()) }),
);

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
  /** With `groupBy`: the token-weighted hit rate of each group (largest by prompt tokens first) per bucket. */
  byGroup?: { groupBy: SeriesGroup; groups: string[]; points: ({ t: number } & Record<string, number | null>)[] };
}

interface Sums {
  t: number;
  g: string;
  promptTokens: number;
  cachedTokens: number;
  hitRatePpmSum: number;
  requestsWithPrompt: number;
}

const rateOf = (cached: number, prompt: number) => (prompt > 0 ? cached / prompt : null);

/** Prompt-cache hit rate per time bucket, token-weighted and per request, with cached vs uncached prompt tokens; optionally per group too. */
export async function cacheHitRateOverTime(db: AnalyticsDb, filters: Filters & { groupBy?: SeriesGroup | undefined }): Promise<CacheHitRateOverTime> {
  const dimension = filters.groupBy ? SERIES_GROUPS[filters.groupBy] : undefined;
  const bucket = bucketFor(filters);
  const facts = seriesFacts(filters, dimension ? [dimension] : [], bucket);
  const found = await query<Sums>(
    db,
    sql`SELECT t_key AS t, ${raw(dimension ?? "''")} AS g, sum(sign * prompt_tokens) AS promptTokens, sum(sign * cached_tokens) AS cachedTokens,
       sum(sign * hit_rate_ppm_sum) AS hitRatePpmSum, sum(sign * requests_with_prompt) AS requestsWithPrompt
     FROM ${subquery(facts.sql)} GROUP BY 1, 2 ORDER BY 1`,
  );
  const rows = found.map((r) => ({ ...r, t: facts.startOf(r.t) }));
  // Rates are computed after folding: averaging hourly rates into a day would weight quiet hours like busy ones.
  const folded = foldBuckets(rows.map((r) => ({ ...r })), bucket, filters.tz, (into, p) => {
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
    hitRate: rateOf(s.cachedTokens, s.promptTokens),
    perRequestHitRate: s.requestsWithPrompt > 0 ? s.hitRatePpmSum / 1e6 / s.requestsWithPrompt : null,
  }));
  if (!filters.groupBy) return { bucket, points };
  return { bucket, points, byGroup: { groupBy: filters.groupBy, ...ratesByGroup(filters.groupBy, rows, bucket, filters.tz) } };
}

function ratesByGroup(groupBy: SeriesGroup, rows: Sums[], bucket: Bucket, tz: string) {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.g, (totals.get(r.g) ?? 0) + r.promptTokens);
  const { kept, seriesOf } = keptGroups(groupBy, totals);
  type Tokens = { t: number } & Record<string, number>;
  const fine = rows.map((r): Tokens => ({ t: r.t, [`${seriesOf(r.g)}:prompt`]: r.promptTokens, [`${seriesOf(r.g)}:cached`]: r.cachedTokens }) as Tokens);
  const folded = foldBuckets(fine, bucket, tz, (into, p) => {
    for (const [k, v] of Object.entries(p)) if (k !== 't') into[k] = (into[k] ?? 0) + v;
  });
  // groups without prompt tokens have no rate to draw (a serving path unused in the range)
  const shown = kept.filter((g) => folded.some((p) => (p[`${g}:prompt`] ?? 0) > 0));
  return {
    groups: shown,
    points: folded.map((p) => ({ t: p.t, ...Object.fromEntries(shown.map((g) => [g, rateOf(p[`${g}:cached`] ?? 0, p[`${g}:prompt`] ?? 0)])) })),
  };
}
