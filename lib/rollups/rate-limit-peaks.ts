import { ALL_KEYS } from '@/db/schema/rollups';
import { HOUR_MS, MINUTE_MS } from './definition';
import { SQLITE_TEXT, type RollupText } from './text-dialect';

/**
 * How close a minute came to a limit: the largest used / limit of the three meters, 0 where the limit
 * is unknown. Written once so the hourly rollup and the headroom query rank minutes with the very
 * same floating-point values, and so break ties identically.
 */
export function usedShareSql(
  c: { prompt: string; uncached: string; generated: string; limitPrompt: string; limitUncached: string; limitGenerated: string },
  d: RollupText = SQLITE_TEXT,
): string {
  const share = (used: string, limit: string) => `coalesce(${d.ratio(used, limit)}, 0)`;
  return d.greatest(share(c.prompt, c.limitPrompt), share(c.uncached, c.limitUncached), share(c.generated, c.limitGenerated));
}

/** The three meters' `remaining / limit` as each call was told, from a `requests` row. */
const reportedFree = (d: RollupText) => ({
  reported_prompt_free: d.ratio('remaining_prompt_tokens', 'limit_prompt_tpm'),
  reported_uncached_free: d.ratio('remaining_uncached_prompt_tokens', 'limit_uncached_prompt_tpm'),
  reported_generated_free: d.ratio('remaining_generated_tokens', 'limit_generated_tpm'),
});
const REPORTED_FREE = reportedFree(SQLITE_TEXT);
export const REPORTED_COLUMNS = [...Object.keys(REPORTED_FREE), 'over_limit'] as const;

/** Over raw rows: the lowest reported free share per meter, and the calls marked over the limit. */
export const rawReportedSelect = (d: RollupText): string =>
  `${Object.entries(reportedFree(d)).map(([c, e]) => `min(${e}) AS ${c}`).join(', ')}, coalesce(${d.count("over_limit = 'yes'")}, 0) AS over_limit`;
export const RAW_REPORTED_SELECT = rawReportedSelect(SQLITE_TEXT);

/** Over rows that already hold those figures (minutes of a batch, keys of a minute). */
export const REPORTED_AGAIN_SELECT = `${Object.keys(REPORTED_FREE).map((c) => `min(${c}) AS ${c}`).join(', ')}, sum(over_limit) AS over_limit`;

/** The lowest of the stored and the new value of `c` in ON CONFLICT (NULL is unknown, not lowest). */
export const lowestOf = (table: string, c: string, d: RollupText = SQLITE_TEXT): string =>
  `${c} = ${d.least(`coalesce(${d.current(table, c)}, excluded.${c})`, `coalesce(excluded.${c}, ${d.current(table, c)})`)}`;

/** ON CONFLICT: the lowest share wins, over-limit calls add up. */
export const reportedUpsert = (table: string, d: RollupText): string =>
  `${Object.keys(REPORTED_FREE).map((c) => lowestOf(table, c, d)).join(', ')}, over_limit = ${d.current(table, 'over_limit')} + excluded.over_limit`;
export const REPORTED_UPSERT = reportedUpsert('', SQLITE_TEXT);

const minuteShare = (d: RollupText) => usedShareSql({ prompt: 'p', uncached: 'u', generated: 'g', limitPrompt: 'lp', limitUncached: 'lu', limitGenerated: 'lg' }, d);

// The stored peak minute gives way to a better one (same tie rules as the headroom query), and to
// itself seen later: a minute already stored only gains tokens or loses limit, so the newer is right.
const newerPeakWins = (d: RollupText) => {
  const c = (column: string) => d.current('rate_limit_hourly', column);
  return `(excluded.peak_minute_start = ${c('peak_minute_start')} OR excluded.peak_share > ${c('peak_share')}
  OR (excluded.peak_share = ${c('peak_share')} AND (excluded.peak_prompt_tokens > ${c('peak_prompt_tokens')}
    OR (excluded.peak_prompt_tokens = ${c('peak_prompt_tokens')} AND excluded.peak_minute_start < ${c('peak_minute_start')}))))`;
};
const PEAK_COLUMNS = [
  'peak_minute_start', 'peak_prompt_tokens', 'peak_uncached_prompt_tokens', 'peak_generated_tokens',
  'peak_limit_prompt_tpm', 'peak_limit_uncached_prompt_tpm', 'peak_limit_generated_tpm', 'peak_share',
];

/** The batch's minutes, per key and summed over keys ('*'), each with its minute's current totals (p, u, g) and limits (lp, lu, lg). */
function batchMinutes(where: string, d: RollupText): string {
  const reported = REPORTED_COLUMNS.map((c) => `b.${c}`).join(', ');
  // PostgreSQL wants every selected column of b grouped (one row per b anyway); SQLite takes them bare
  const groupAlsoB = d.name === 'pg' ? `, b.requests, b.rate_limited, b.overloaded, ${reported}` : '';
  return `WITH batch AS (
    SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute_start, model, api_key,
      count(*) AS requests, ${d.count('status = 429')} AS rate_limited, ${d.count('status = 503')} AS overloaded, ${rawReportedSelect(d)}
    FROM requests WHERE ${where} GROUP BY 1, 2, 3
  ),
  -- CROSS JOIN keeps the batch's minutes outermost: the planner has no statistics and would scan the minutes
  minutes AS (
    SELECT b.minute_start, b.model, b.api_key, b.requests, b.rate_limited, b.overloaded, ${reported},
      m.prompt_tokens AS p, m.uncached_prompt_tokens AS u, m.generated_tokens AS g,
      m.limit_prompt_tpm AS lp, m.limit_uncached_prompt_tpm AS lu, m.limit_generated_tpm AS lg
    FROM batch b ${d.hintedJoin} rate_limit_minutely m ON m.minute_start = b.minute_start AND m.model = b.model AND m.api_key = b.api_key
    UNION ALL
    SELECT b.minute_start, b.model, '${ALL_KEYS}', b.requests, b.rate_limited, b.overloaded, ${reported},
      sum(m.prompt_tokens), sum(m.uncached_prompt_tokens), sum(m.generated_tokens),
      min(m.limit_prompt_tpm), min(m.limit_uncached_prompt_tpm), min(m.limit_generated_tpm)
    FROM (SELECT minute_start, model, sum(requests) AS requests, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded,
            ${REPORTED_AGAIN_SELECT}
          FROM batch GROUP BY 1, 2) b
      ${d.hintedJoin} rate_limit_minutely m ON m.minute_start = b.minute_start AND m.model = b.model
    GROUP BY b.minute_start, b.model${groupAlsoB}
  )`;
}

const HOURLY_COLUMNS = `api_key, hour_start, model, requests, rate_limited, overloaded, ${REPORTED_COLUMNS.join(', ')},
    busiest_prompt_tokens, busiest_uncached_prompt_tokens, busiest_generated_tokens,
    limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, ${PEAK_COLUMNS.join(', ')}`;
const HOURLY_KEY = ['api_key', 'hour_start', 'model'];

function hourlyFold(d: RollupText): string {
  const c = (column: string) => d.current('rate_limit_hourly', column);
  const larger = (column: string) => `${column} = ${d.greatest(c(column), `excluded.${column}`)}`;
  return `${d.onConflict(HOURLY_KEY)}
    requests = ${c('requests')} + excluded.requests, rate_limited = ${c('rate_limited')} + excluded.rate_limited, overloaded = ${c('overloaded')} + excluded.overloaded,
    ${reportedUpsert('rate_limit_hourly', d)},
    ${larger('busiest_prompt_tokens')},
    ${larger('busiest_uncached_prompt_tokens')},
    ${larger('busiest_generated_tokens')},
    ${lowestOf('rate_limit_hourly', 'limit_prompt_tpm', d)}, ${lowestOf('rate_limit_hourly', 'limit_uncached_prompt_tpm', d)}, ${lowestOf('rate_limit_hourly', 'limit_generated_tpm', d)},
    ${PEAK_COLUMNS.map((column) => `${column} = CASE WHEN ${newerPeakWins(d)} THEN excluded.${column} ELSE ${c(column)} END`).join(',\n    ')}`;
}

/**
 * The hourly upsert for one engine. SQLite folds the batch's minutes of an hour one by one through
 * ON CONFLICT. PostgreSQL refuses to update one row twice in a statement, so it folds them first,
 * with the same rules: counts add, busiest and the worst reported share per column, limits the
 * lowest, and the peak is the hour's best minute by (share desc, prompt tokens desc, minute asc),
 * which ON CONFLICT then weighs against the stored peak exactly as SQLite weighs each minute (a
 * stored minute only gains share, so "the same minute seen later" never loses to the fold).
 */
export function rateLimitHourlyUpsert(where: string, d: RollupText): string {
  if (d.name === 'sqlite') {
    return `
  ${batchMinutes(where, d)}
  INSERT INTO rate_limit_hourly (${HOURLY_COLUMNS})
  SELECT api_key, (minute_start / ${HOUR_MS}) * ${HOUR_MS}, model, requests, rate_limited, overloaded, ${REPORTED_COLUMNS.join(', ')}, p, u, g, lp, lu, lg,
    minute_start, p, u, g, lp, lu, lg, ${minuteShare(d)}
  FROM minutes WHERE true
  ${hourlyFold(d)}`;
  }
  const reported = Object.keys(REPORTED_FREE);
  return `
  ${batchMinutes(where, d)},
  shares AS (
    SELECT api_key, (minute_start / ${HOUR_MS}) * ${HOUR_MS} AS hour_start, model, minute_start, requests, rate_limited, overloaded, ${REPORTED_COLUMNS.join(', ')},
      p, u, g, lp, lu, lg, ${minuteShare(d)} AS share
    FROM minutes
  ),
  hours AS (
    SELECT api_key, hour_start, model, sum(requests) AS requests, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded,
      ${reported.map((c) => `min(${c}) AS ${c}`).join(', ')}, sum(over_limit) AS over_limit,
      max(p) AS bp, max(u) AS bu, max(g) AS bg, min(lp) AS lp, min(lu) AS lu, min(lg) AS lg
    FROM shares GROUP BY 1, 2, 3
  ),
  peaks AS (
    SELECT DISTINCT ON (api_key, hour_start, model) api_key, hour_start, model, minute_start, p, u, g, lp, lu, lg, share
    FROM shares ORDER BY api_key, hour_start, model, share DESC, p DESC, minute_start
  )
  INSERT INTO rate_limit_hourly (${HOURLY_COLUMNS})
  SELECT h.api_key, h.hour_start, h.model, h.requests, h.rate_limited, h.overloaded, ${REPORTED_COLUMNS.map((c) => `h.${c}`).join(', ')}, h.bp, h.bu, h.bg, h.lp, h.lu, h.lg,
    k.minute_start, k.p, k.u, k.g, k.lp, k.lu, k.lg, k.share
  FROM hours h JOIN peaks k ON k.api_key = h.api_key AND k.hour_start = h.hour_start AND k.model = h.model${d.orderBy(HOURLY_KEY)}
  ${hourlyFold(d)}`;
}

/**
 * Adds a batch of raw rows (ids in [?, ?]) to `rate_limit_hourly`. Run after the per-minute upsert.
 * One row per minute the batch touched (per key, and summed over keys for '*') carries that
 * minute's CURRENT totals and limits, so a minute that grows across batches is judged as a whole,
 * plus the batch's own counts for it. SQLite applies the upsert row by row, so several minutes of
 * one hour fold in turn: counts add, peaks keep the larger (they only rise), limits keep the lowest.
 * Picking each hour's best minute in SQL first (a window) cost more than these extra upserts.
 */
export const RATE_LIMIT_HOURLY_UPSERT = rateLimitHourlyUpsert('id BETWEEN ? AND ?', SQLITE_TEXT);
