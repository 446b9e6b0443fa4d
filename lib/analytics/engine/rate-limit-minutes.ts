import { MINUTE_MS } from '@/lib/rollups/definition';
import type { Filters } from './filters';
import { list, raw, sql, type Sql } from './sql';

/**
 * Fireworks meters limits per account × model, so the per-minute rollup only knows model and key:
 * the other page filters cannot narrow it and are reported back as not applied.
 */
const NOT_APPLIED = ['team', 'project', 'environment', 'servingPath', 'region', 'endpoint'] as const;

export function ignoredRateLimitFilters(filters: Filters): string[] {
  return NOT_APPLIED.filter((k) => filters[k].length > 0);
}

/** Minutes whose start lies in [from, to). */
export interface MinuteRange {
  from: number;
  to: number;
}

/** The minutes a range covers: a minute that starts before `from` still holds calls inside the range. */
export function wholeRange(filters: Pick<Filters, 'from' | 'to'>): MinuteRange {
  return { from: Math.floor(filters.from.getTime() / MINUTE_MS) * MINUTE_MS, to: filters.to.getTime() };
}

export interface RateLimitMinutes {
  /** One row per (minute, model[, key]) with columns minute_start, model, api_key, requests, rate_limited, overloaded, prompt, uncached, generated, limit_prompt, limit_uncached, limit_generated. */
  sql: Sql;
  /** Whether series are split by key (only when the user filtered by key); otherwise keys are summed per model. */
  perKey: boolean;
  ignoredFilters: string[];
}

/**
 * Tokens per minute on each meter for the filtered models (and keys), summed over keys unless the
 * view filters by key, with the lowest limit any of them saw that minute, for the minutes in
 * `minutes` (default: the whole range). Reads the rollup by its primary key (minute_start first)
 * or by (model, minute_start) when models are filtered.
 */
export function rateLimitMinutes(filters: Filters, minutes: MinuteRange = wholeRange(filters)): RateLimitMinutes {
  let where = sql`minute_start >= ${minutes.from} AND minute_start < ${minutes.to}`;
  for (const [values, column] of [[filters.model, 'model'], [filters.apiKey, 'api_key']] as const) {
    if (!values.length) continue;
    where = sql`${where} AND ${raw(column)} IN (${list(values)})`;
  }
  const perKey = filters.apiKey.length > 0;
  const text = sql`
    SELECT minute_start, model, ${raw(perKey ? 'api_key' : 'NULL')} AS api_key,
      sum(requests) AS requests, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded,
      sum(prompt_tokens) AS prompt, sum(uncached_prompt_tokens) AS uncached, sum(generated_tokens) AS generated,
      min(limit_prompt_tpm) AS limit_prompt, min(limit_uncached_prompt_tpm) AS limit_uncached, min(limit_generated_tpm) AS limit_generated,
      min(reported_prompt_free) AS reported_prompt, min(reported_uncached_free) AS reported_uncached,
      min(reported_generated_free) AS reported_generated, sum(over_limit) AS over_limit
    FROM rate_limit_minutely WHERE ${where}
    GROUP BY minute_start, model${raw(perKey ? ', api_key' : '')}`;
  return { sql: text, perKey, ignoredFilters: ignoredRateLimitFilters(filters) };
}

/** One minute (or bucket) on Fireworks' three meters, with the lowest limits (tokens/min) seen then; null when no call carried the header. */
export interface MeterReading {
  t: number;
  promptTokens: number;
  uncachedPromptTokens: number;
  generatedTokens: number;
  limitPromptTpm: number | null;
  limitUncachedPromptTpm: number | null;
  limitGeneratedTpm: number | null;
}

export interface MeterCounts {
  requests: number;
  rateLimited: number;
  overloaded: number;
}
