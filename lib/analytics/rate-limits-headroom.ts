import type { Filters } from './engine/filters';
import { lowestHeadroom, type HeadroomRow, type RateLimitHeadroom } from './engine/headroom';
import { ALL_KEYS } from '@/db/schema/rollups';
import { usedShareSql } from '@/lib/rollups/rate-limit-peaks';
import { rateLimitHours, splitRateLimitRange } from './engine/rate-limit-hours';
import { ignoredRateLimitFilters, rateLimitMinutes, type MeterCounts, type MeterReading } from './engine/rate-limit-minutes';
import { query, type AnalyticsDb } from './engine/run';
import { scalarMax, subquery } from './engine/dialect';
import { join, raw, sql, type Sql } from './engine/sql';

export { LOW_HEADROOM, lowHeadroomRows, lowestHeadroom, type HeadroomRow, type MeterFigures, type RateLimitHeadroom } from './engine/headroom';

interface PeakRow extends MeterReading, MeterCounts {
  model: string;
  apiKey: string | null;
  reportedPrompt: number | null;
  reportedUncached: number | null;
  reportedGenerated: number | null;
  overLimitCalls: number;
}


/** Candidates' columns for what Fireworks reported, named alike in minutes and hours. */
const REPORTED = 'reported_prompt, reported_uncached, reported_generated, over_limit';

const room = (used: number, limit: number | null) => (limit === null || limit <= 0 ? null : 1 - used / limit);

const MINUTE_SHARE = usedShareSql({
  prompt: 'prompt', uncached: 'uncached', generated: 'generated',
  limitPrompt: 'limit_prompt', limitUncached: 'limit_uncached', limitGenerated: 'limit_generated',
});

/**
 * The query behind rateLimitHeadroom. Candidates are each whole hour's peak minute
 * from the hourly rollup plus every minute of the partial hours at the edges. Only the candidates
 * that reach their series' highest share are sorted for the tie rules (sorting all of them was
 * most of the cost over 90 days).
 */
function headroomSql(filters: Filters): Sql {
  const split = splitRateLimitRange(filters);
  // api_key is '*' for keys summed until the end, so that it can be matched with = and IN
  const candidates = split.edges.map((edge) => {
    const minutes = rateLimitMinutes(filters, edge);
    return sql`SELECT model, coalesce(api_key, '${raw(ALL_KEYS)}') AS api_key, minute_start AS t, prompt, uncached, generated,
       limit_prompt, limit_uncached, limit_generated, ${scalarMax(MINUTE_SHARE)} AS share, requests, rate_limited, overloaded,
       ${raw(REPORTED)} FROM ${subquery(minutes.sql)}`;
  });
  if (split.hours) {
    const hours = rateLimitHours(filters, split.hours);
    // Named like the minute candidates: with no partial hours at the edges, this one names the union's columns.
    candidates.push(sql`SELECT model, coalesce(api_key, '${raw(ALL_KEYS)}') AS api_key, peak_minute_start AS t, peak_prompt_tokens AS prompt,
       peak_uncached_prompt_tokens AS uncached, peak_generated_tokens AS generated, peak_limit_prompt_tpm AS limit_prompt,
       peak_limit_uncached_prompt_tpm AS limit_uncached, peak_limit_generated_tpm AS limit_generated, peak_share AS share,
       requests, rate_limited, overloaded, ${raw(REPORTED)} FROM ${subquery(hours)}`);
  }
  return sql`WITH candidates AS (${join(candidates, ' UNION ALL ')}),
     series AS (
       SELECT model, api_key, max(share) AS share, sum(requests) AS requests, sum(rate_limited) AS rate_limited, sum(overloaded) AS overloaded,
         min(reported_prompt) AS reported_prompt, min(reported_uncached) AS reported_uncached, min(reported_generated) AS reported_generated,
         coalesce(sum(over_limit), 0) AS over_limit
       FROM candidates GROUP BY model, api_key
     )
     SELECT p.model, nullif(p.api_key, '${raw(ALL_KEYS)}') AS apiKey, p.t, p.prompt AS promptTokens, p.uncached AS uncachedPromptTokens,
       p.generated AS generatedTokens, p.limit_prompt AS limitPromptTpm, p.limit_uncached AS limitUncachedPromptTpm,
       p.limit_generated AS limitGeneratedTpm, s.requests, s.rate_limited AS rateLimited, s.overloaded,
       s.reported_prompt AS reportedPrompt, s.reported_uncached AS reportedUncached, s.reported_generated AS reportedGenerated,
       s.over_limit AS overLimitCalls
     FROM (
       SELECT *, row_number() OVER (PARTITION BY model, api_key ORDER BY prompt DESC, t) AS rank
       FROM candidates WHERE (model, api_key, share) IN (SELECT model, api_key, share FROM series)
     ) p JOIN series s ON s.model = p.model AND s.api_key = p.api_key
     WHERE p.rank = 1 ORDER BY p.model, p.api_key`;
}

function headroomRows(peaks: PeakRow[], filters: Filters): RateLimitHeadroom {
  const rows = peaks.map(({ model, apiKey, requests, rateLimited, overloaded, reportedPrompt, reportedUncached, reportedGenerated, overLimitCalls, ...peak }): HeadroomRow => {
    const headroom = {
      prompt: room(peak.promptTokens, peak.limitPromptTpm),
      uncachedPrompt: room(peak.uncachedPromptTokens, peak.limitUncachedPromptTpm),
      generated: room(peak.generatedTokens, peak.limitGeneratedTpm),
    };
    const reported = { prompt: reportedPrompt, uncachedPrompt: reportedUncached, generated: reportedGenerated };
    const own = lowestHeadroom(headroom);
    const told = lowestHeadroom(reported);
    const source = told !== null && (own === null || told < own) ? 'fireworks' : own !== null ? 'meter' : null;
    return {
      model, apiKey, peak, headroom, reported, overLimitCalls,
      lowestHeadroom: source === 'fireworks' ? told : own,
      headroomSource: source,
      cachingHeadroom: peak.limitUncachedPromptTpm ? (peak.promptTokens - peak.uncachedPromptTokens) / peak.limitUncachedPromptTpm : null,
      requests, rateLimited, overloaded,
    };
  });
  rows.sort((a, b) => (a.lowestHeadroom ?? Infinity) - (b.lowestHeadroom ?? Infinity) || b.requests - a.requests);
  return { rows, ignoredFilters: ignoredRateLimitFilters(filters) };
}

/**
 * Per model (and key): the minute of the range that came closest to a Fireworks limit, the headroom
 * left on each meter then, and the 429 / 503 counts (see headroomSql).
 */
export async function rateLimitHeadroom(db: AnalyticsDb, filters: Filters): Promise<RateLimitHeadroom> {
  return headroomRows(await query<PeakRow>(db, headroomSql(filters)), filters);
}

