import { ALL_KEYS } from '@/db/schema/rollups';
import { HOUR_MS } from '@/lib/rollups/definition';
import { bucketFor, type Filters } from './filters';
import { wholeRange, type MinuteRange } from './rate-limit-minutes';
import { perRowJoin } from './dialect';
import { list, raw, sql, type Sql } from './sql';

/** A range cut into the whole hours inside it and the minutes of the partial hours at its edges. */
export interface RateLimitSplit {
  /** Read from `rate_limit_minutely`. */
  edges: MinuteRange[];
  /** Whole hours [from, to) read from `rate_limit_hourly`; null when there are none (or the range is short). */
  hours: MinuteRange | null;
}

/**
 * Like factsFor: whole hours from the hourly rollup, the partial hours at either edge from the
 * minutes, so every answer is the one the minutes alone would give. Short ranges (minute buckets)
 * read minutes only.
 */
export function splitRateLimitRange(filters: Filters): RateLimitSplit {
  const whole = wholeRange(filters);
  const hoursFrom = Math.ceil(whole.from / HOUR_MS) * HOUR_MS;
  const hoursTo = Math.floor(whole.to / HOUR_MS) * HOUR_MS;
  if (bucketFor(filters) === 'minute' || hoursFrom >= hoursTo) return { edges: [whole], hours: null };
  const edges: MinuteRange[] = [];
  if (whole.from < hoursFrom) edges.push({ from: whole.from, to: hoursFrom });
  if (hoursTo < whole.to) edges.push({ from: hoursTo, to: whole.to });
  return { edges, hours: { from: hoursFrom, to: hoursTo } };
}

/** Which hours rateLimitHours reads: numbers are bound; fragments are SQL over a table joined in front. */
export interface HourRange {
  from: number | Sql;
  to: number | Sql;
  /** A table to join before the rollup (its columns bound the hours), and what to select from it. */
  join?: { table: Sql; select: string };
}

/**
 * Rows of `rate_limit_hourly` (limits renamed as in rateLimitMinutes) for the filtered models and
 * the hours in [from, to): the '*' rows (keys summed, api_key NULL as in rateLimitMinutes) unless
 * the view filters by key, then those keys' rows. The primary key (api_key, hour_start, model)
 * makes either a single index range per key (per joined row).
 */
export function rateLimitHours(filters: Filters, hours: HourRange): Sql {
  const perKey = filters.apiKey.length > 0;
  let where = perKey ? sql`h.api_key IN (${list(filters.apiKey)}) AND h.api_key != '${raw(ALL_KEYS)}'` : raw(`h.api_key = '${ALL_KEYS}'`);
  const bound = (b: number | Sql) => (typeof b === 'number' ? sql`${b}` : b);
  where = sql`${where} AND h.hour_start >= ${bound(hours.from)} AND h.hour_start < ${bound(hours.to)}`;
  if (filters.model.length) where = sql`${where} AND h.model IN (${list(filters.model)})`;
  return sql`
    SELECT ${raw(hours.join ? `${hours.join.select}, ` : '')}h.hour_start, h.model, ${raw(perKey ? 'h.api_key' : 'NULL')} AS api_key,
      h.requests, h.rate_limited, h.overloaded, h.busiest_prompt_tokens, h.busiest_uncached_prompt_tokens, h.busiest_generated_tokens,
      h.limit_prompt_tpm AS limit_prompt, h.limit_uncached_prompt_tpm AS limit_uncached, h.limit_generated_tpm AS limit_generated,
      h.peak_minute_start, h.peak_prompt_tokens, h.peak_uncached_prompt_tokens, h.peak_generated_tokens,
      h.peak_limit_prompt_tpm, h.peak_limit_uncached_prompt_tpm, h.peak_limit_generated_tpm, h.peak_share,
      h.reported_prompt_free AS reported_prompt, h.reported_uncached_free AS reported_uncached,
      h.reported_generated_free AS reported_generated, h.over_limit
    FROM ${hours.join ? perRowJoin(hours.join.table, 'rate_limit_hourly', 'h', where) : sql`rate_limit_hourly h WHERE ${where}`}`;
}
