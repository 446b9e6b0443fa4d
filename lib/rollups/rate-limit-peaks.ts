import { ALL_KEYS } from '@/db/schema/rollups';
import { HOUR_MS, MINUTE_MS } from './definition';

/**
 * How close a minute came to a limit: the largest used / limit of the three meters, 0 where the limit
 * is unknown. Written once so the hourly rollup and the headroom query rank minutes with the very
 * same floating-point values, and so break ties identically.
 */
export function usedShareSql(c: { prompt: string; uncached: string; generated: string; limitPrompt: string; limitUncached: string; limitGenerated: string }): string {
  const share = (used: string, limit: string) => `coalesce(${used} * 1.0 / nullif(${limit}, 0), 0)`;
  return `max(${share(c.prompt, c.limitPrompt)}, ${share(c.uncached, c.limitUncached)}, ${share(c.generated, c.limitGenerated)})`;
}

const MINUTE_SHARE = usedShareSql({ prompt: 'p', uncached: 'u', generated: 'g', limitPrompt: 'lp', limitUncached: 'lu', limitGenerated: 'lg' });

const lowestLimit = (c: string) => `${c} = min(coalesce(${c}, excluded.${c}), coalesce(excluded.${c}, ${c}))`;

// The stored peak minute gives way to a better one (same tie rules as the headroom query), and to
// itself seen later: a minute already stored only gains tokens or loses limit, so the newer is right.
const NEWER_PEAK_WINS = `(excluded.peak_minute_start = peak_minute_start OR excluded.peak_share > peak_share
  OR (excluded.peak_share = peak_share AND (excluded.peak_prompt_tokens > peak_prompt_tokens
    OR (excluded.peak_prompt_tokens = peak_prompt_tokens AND excluded.peak_minute_start < peak_minute_start))))`;
const PEAK_COLUMNS = [
  'peak_minute_start', 'peak_prompt_tokens', 'peak_uncached_prompt_tokens', 'peak_generated_tokens',
  'peak_limit_prompt_tpm', 'peak_limit_uncached_prompt_tpm', 'peak_limit_generated_tpm', 'peak_share',
];

/**
 * Adds a batch of raw rows (ids in [?, ?]) to `rate_limit_hourly`. Run after the per-minute upsert:
 * counts and lowest limits come from the batch's raw rows; peaks come from the CURRENT totals of the
 * minutes the batch touched (per key, and summed over keys for '*'), so a minute that grows across
 * batches is judged as a whole. Peaks only rise, so the upsert keeps the larger.
 */
export const RATE_LIMIT_HOURLY_UPSERT = `
  WITH batch AS (
    SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute_start, model, api_key, status,
      nullif(limit_prompt_tpm, 0) AS lp, nullif(limit_uncached_prompt_tpm, 0) AS lu, nullif(limit_generated_tpm, 0) AS lg
    FROM requests WHERE id BETWEEN ? AND ?
  ),
  per_key AS (
    SELECT (minute_start / ${HOUR_MS}) * ${HOUR_MS} AS hour_start, model, api_key, count(*) AS requests,
      sum(status = 429) AS rate_limited, sum(status = 503) AS overloaded, min(lp) AS lp, min(lu) AS lu, min(lg) AS lg
    FROM batch GROUP BY 1, 2, 3
  ),
  counts AS (
    SELECT * FROM per_key
    UNION ALL
    SELECT hour_start, model, '${ALL_KEYS}', sum(requests), sum(rate_limited), sum(overloaded), min(lp), min(lu), min(lg)
    FROM per_key GROUP BY 1, 2
  ),
  touched AS (SELECT DISTINCT minute_start, model, api_key FROM batch),
  -- CROSS JOIN keeps the touched minutes outermost: the planner has no statistics and would scan the minutes
  minutes AS (
    SELECT m.minute_start, m.model, m.api_key, m.prompt_tokens AS p, m.uncached_prompt_tokens AS u, m.generated_tokens AS g,
      m.limit_prompt_tpm AS lp, m.limit_uncached_prompt_tpm AS lu, m.limit_generated_tpm AS lg
    FROM touched t CROSS JOIN rate_limit_minutely m ON m.minute_start = t.minute_start AND m.model = t.model AND m.api_key = t.api_key
    UNION ALL
    SELECT m.minute_start, m.model, '${ALL_KEYS}', sum(m.prompt_tokens), sum(m.uncached_prompt_tokens), sum(m.generated_tokens),
      min(m.limit_prompt_tpm), min(m.limit_uncached_prompt_tpm), min(m.limit_generated_tpm)
    FROM (SELECT DISTINCT minute_start, model FROM touched) t
      CROSS JOIN rate_limit_minutely m ON m.minute_start = t.minute_start AND m.model = t.model
    GROUP BY 1, 2
  ),
  ranked AS (
    SELECT *, max(p) OVER hour AS busiest_p, max(u) OVER hour AS busiest_u, max(g) OVER hour AS busiest_g,
      row_number() OVER (hour ORDER BY share DESC, p DESC, minute_start) AS rank
    FROM (SELECT *, (minute_start / ${HOUR_MS}) * ${HOUR_MS} AS hour_start, ${MINUTE_SHARE} AS share FROM minutes)
    WINDOW hour AS (PARTITION BY hour_start, model, api_key)
  )
  INSERT INTO rate_limit_hourly (api_key, hour_start, model, requests, rate_limited, overloaded,
    busiest_prompt_tokens, busiest_uncached_prompt_tokens, busiest_generated_tokens,
    limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, ${PEAK_COLUMNS.join(', ')})
  SELECT c.api_key, c.hour_start, c.model, c.requests, c.rate_limited, c.overloaded, r.busiest_p, r.busiest_u, r.busiest_g,
    c.lp, c.lu, c.lg, r.minute_start, r.p, r.u, r.g, r.lp, r.lu, r.lg, r.share
  FROM counts c JOIN ranked r ON r.rank = 1 AND r.hour_start = c.hour_start AND r.model = c.model AND r.api_key = c.api_key
  WHERE true
  ON CONFLICT DO UPDATE SET
    requests = requests + excluded.requests, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded,
    busiest_prompt_tokens = max(busiest_prompt_tokens, excluded.busiest_prompt_tokens),
    busiest_uncached_prompt_tokens = max(busiest_uncached_prompt_tokens, excluded.busiest_uncached_prompt_tokens),
    busiest_generated_tokens = max(busiest_generated_tokens, excluded.busiest_generated_tokens),
    ${lowestLimit('limit_prompt_tpm')}, ${lowestLimit('limit_uncached_prompt_tpm')}, ${lowestLimit('limit_generated_tpm')},
    ${PEAK_COLUMNS.map((c) => `${c} = CASE WHEN ${NEWER_PEAK_WINS} THEN excluded.${c} ELSE ${c} END`).join(',\n    ')}`;
