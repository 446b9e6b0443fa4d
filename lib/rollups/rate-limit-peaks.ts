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

/** The three meters' `remaining / limit` as each call was told, from a `requests` row. */
const REPORTED_FREE = {
  reported_prompt_free: 'remaining_prompt_tokens * 1.0 / nullif(limit_prompt_tpm, 0)',
  reported_uncached_free: 'remaining_uncached_prompt_tokens * 1.0 / nullif(limit_uncached_prompt_tpm, 0)',
  reported_generated_free: 'remaining_generated_tokens * 1.0 / nullif(limit_generated_tpm, 0)',
} as const;
export const REPORTED_COLUMNS = [...Object.keys(REPORTED_FREE), 'over_limit'] as const;

/** Over raw rows: the lowest reported free share per meter, and the calls marked over the limit. */
export const RAW_REPORTED_SELECT = `${Object.entries(REPORTED_FREE).map(([c, e]) => `min(${e}) AS ${c}`).join(', ')}, coalesce(sum(over_limit = 'yes'), 0) AS over_limit`;

/** Over rows that already hold those figures (minutes of a batch, keys of a minute). */
export const REPORTED_AGAIN_SELECT = `${Object.keys(REPORTED_FREE).map((c) => `min(${c}) AS ${c}`).join(', ')}, sum(over_limit) AS over_limit`;

/** ON CONFLICT: the lowest share wins, over-limit calls add up. */
export const REPORTED_UPSERT = `${Object.keys(REPORTED_FREE).map((c) => `${c} = min(coalesce(${c}, excluded.${c}), coalesce(excluded.${c}, ${c}))`).join(', ')}, over_limit = over_limit + excluded.over_limit`;

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
 * Adds a batch of raw rows (ids in [?, ?]) to `rate_limit_hourly`. Run after the per-minute upsert.
 * One row per minute the batch touched (per key, and summed over keys for '*') carries that
 * minute's CURRENT totals and limits, so a minute that grows across batches is judged as a whole,
 * plus the batch's own counts for it. SQLite applies the upsert row by row, so several minutes of
 * one hour fold in turn: counts add, peaks keep the larger (they only rise), limits keep the lowest.
 * Picking each hour's best minute in SQL first (a window) cost more than these extra upserts.
 */
export const RATE_LIMIT_HOURLY_UPSERT = `
  WITH batch AS (
    SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute_start, model, api_key,
      count(*) AS requests, sum(status = 429) AS rate_limited, sum(status = 503) AS overloaded, ${RAW_REPORTED_SELECT}
    FROM requests WHERE id BETWEEN ? AND ? GROUP BY 1, 2, 3
  ),
  -- CROSS JOIN keeps the batch's minutes outermost: the planner has no statistics and would scan the minutes
  minutes AS (
    SELECT b.minute_start, b.model, b.api_key, b.requests, b.rate_limited, b.overloaded, ${REPORTED_COLUMNS.map((c) => `b.${c}`).join(', ')},
      m.prompt_tokens AS p, m.uncached_prompt_tokens AS u, m.generated_tokens AS g,
      m.limit_prompt_tpm AS lp, m.limit_uncached_prompt_tpm AS lu, m.limit_generated_tpm AS lg
    FROM batch b CROSS JOIN rate_limit_minutely m ON m.minute_start = b.minute_start AND m.model = b.model AND m.api_key = b.api_key
    UNION ALL
    SELECT b.minute_start, b.model, '${ALL_KEYS}', b.requests, b.rate_limited, b.overloaded, ${REPORTED_COLUMNS.map((c) => `b.${c}`).join(', ')},
      sum(m.prompt_tokens), sum(m.uncached_prompt_tokens), sum(m.generated_tokens),
      min(m.limit_prompt_tpm), min(m.limit_uncached_prompt_tpm), min(m.limit_generated_tpm)
    FROM (SELECT minute_start, model, sum(requests) AS requests, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded,
            ${REPORTED_AGAIN_SELECT}
          FROM batch GROUP BY 1, 2) b
      CROSS JOIN rate_limit_minutely m ON m.minute_start = b.minute_start AND m.model = b.model
    GROUP BY b.minute_start, b.model
  )
  INSERT INTO rate_limit_hourly (api_key, hour_start, model, requests, rate_limited, overloaded, ${REPORTED_COLUMNS.join(', ')},
    busiest_prompt_tokens, busiest_uncached_prompt_tokens, busiest_generated_tokens,
    limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, ${PEAK_COLUMNS.join(', ')})
  SELECT api_key, (minute_start / ${HOUR_MS}) * ${HOUR_MS}, model, requests, rate_limited, overloaded, ${REPORTED_COLUMNS.join(', ')}, p, u, g, lp, lu, lg,
    minute_start, p, u, g, lp, lu, lg, ${MINUTE_SHARE}
  FROM minutes WHERE true
  ON CONFLICT DO UPDATE SET
    requests = requests + excluded.requests, rate_limited = rate_limited + excluded.rate_limited, overloaded = overloaded + excluded.overloaded,
    ${REPORTED_UPSERT},
    busiest_prompt_tokens = max(busiest_prompt_tokens, excluded.busiest_prompt_tokens),
    busiest_uncached_prompt_tokens = max(busiest_uncached_prompt_tokens, excluded.busiest_uncached_prompt_tokens),
    busiest_generated_tokens = max(busiest_generated_tokens, excluded.busiest_generated_tokens),
    ${lowestLimit('limit_prompt_tpm')}, ${lowestLimit('limit_uncached_prompt_tpm')}, ${lowestLimit('limit_generated_tpm')},
    ${PEAK_COLUMNS.map((c) => `${c} = CASE WHEN ${NEWER_PEAK_WINS} THEN excluded.${c} ELSE ${c} END`).join(',\n    ')}`;
