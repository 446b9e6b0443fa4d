/**
 * How a raw request row counts in the hourly totals, written once in SQL and used both to maintain
 * `usage_hourly` at ingest and to total the raw rows at a range's partial-hour edges, so the two
 * can never disagree. `bucketMs` lets the same expressions group raw rows by minute for short ranges.
 */
export const DIMENSIONS = ['model', 'serving_path', 'region', 'api_key', 'team', 'project', 'environment', 'has_affinity'] as const;

export const MEASURES = [
  'requests', 'errors', 'rate_limited', 'overloaded', 'unpriced', 'prompt_tokens', 'cached_tokens', 'completion_tokens',
  'cost_micros', 'savings_micros', 'standard_cost_micros', 'premium_cost_micros', 'hit_rate_ppm_sum', 'requests_with_prompt',
] as const;

export type Measure = (typeof MEASURES)[number];

export function rawFactsSelect(bucketMs: number): string {
  return `
    (started_at / ${bucketMs}) * ${bucketMs} AS bucket_start,
    model, serving_path, region, api_key,
    coalesce(team, '') AS team, coalesce(project, '') AS project, coalesce(environment, '') AS environment,
    (session_affinity IS NOT NULL) AS has_affinity,
    count(*) AS requests,
    sum(status >= 400) AS errors,
    sum(status = 429) AS rate_limited,
    sum(status = 503) AS overloaded,
    sum(cost_total_micros IS NULL AND (status < 400 OR status = 499)) AS unpriced,
    coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
    coalesce(sum(cached_prompt_tokens), 0) AS cached_tokens,
    coalesce(sum(completion_tokens), 0) AS completion_tokens,
    coalesce(sum(cost_total_micros), 0) AS cost_micros,
    coalesce(sum(cache_savings_micros), 0) AS savings_micros,
    coalesce(sum(CASE WHEN standard_cost_micros IS NOT NULL THEN standard_cost_micros END), 0) AS standard_cost_micros,
    coalesce(sum(CASE WHEN standard_cost_micros IS NOT NULL THEN cost_total_micros END), 0) AS premium_cost_micros,
    coalesce(sum(CASE WHEN prompt_tokens > 0 THEN (coalesce(cached_prompt_tokens, 0) * 1000000) / prompt_tokens END), 0) AS hit_rate_ppm_sum,
    coalesce(sum(prompt_tokens > 0), 0) AS requests_with_prompt`;
}

export const RAW_GROUP_BY = `bucket_start, ${DIMENSIONS.join(', ')}`;

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
