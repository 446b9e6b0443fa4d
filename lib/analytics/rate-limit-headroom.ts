import type { Db } from '@/db/client';
import type { Filters } from './filters';
import { rateLimitMinutes } from './rate-limit-minutes';
import { query } from './run';

/** Below this much headroom on any meter at the peak minute, the page warns. */
export const LOW_HEADROOM = 0.2;

export interface MeterFigures {
  prompt: number | null;
  uncachedPrompt: number | null;
  generated: number | null;
}

export interface HeadroomRow {
  model: string;
  /** Set only when the view filters by key (otherwise the model's keys are summed). */
  apiKey: string | null;
  /** The minute that came closest to a limit on any meter (ties: more prompt tokens, then earliest). */
  peak: {
    t: number;
    promptTokens: number;
    uncachedPromptTokens: number;
    generatedTokens: number;
    limitPromptTpm: number | null;
    limitUncachedPromptTpm: number | null;
    limitGeneratedTpm: number | null;
  };
  /** 1 − used / limit at the peak minute, per meter; negative when over; null when the limit is unknown. */
  headroom: MeterFigures;
  /** The smallest of the three, for sorting and the warning. */
  lowestHeadroom: number | null;
  /**
   * Share of the uncached-prompt limit the prompt cache kept free at the peak minute: cached tokens
   * (prompt − uncached) / uncached limit, i.e. what that meter would have used on top without the cache.
   */
  cachingHeadroom: number | null;
  /** Over the whole range. */
  requests: number;
  rateLimited: number;
  overloaded: number;
}

export interface RateLimitHeadroom {
  rows: HeadroomRow[];
  ignoredFilters: string[];
}

interface PeakRow {
  model: string;
  apiKey: string | null;
  t: number;
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

const usedShare = (used: string, limit: string) => `coalesce(${used} * 1.0 / nullif(${limit}, 0), 0)`;
const room = (used: number, limit: number | null) => (limit === null || limit <= 0 ? null : 1 - used / limit);

/**
 * Per model (and key): the minute of the range that came closest to a Fireworks limit, the headroom
 * left on each meter then, and the 429 / 503 counts. One pass over the per-minute rollup.
 */
export function rateLimitHeadroom(db: Db, filters: Filters): RateLimitHeadroom {
  const minutes = rateLimitMinutes(filters);
  const peaks = query<PeakRow>(
    db,
    `SELECT model, api_key AS apiKey, minute_start AS t, prompt AS promptTokens, uncached AS uncachedPromptTokens,
       generated AS generatedTokens, limit_prompt AS limitPromptTpm, limit_uncached AS limitUncachedPromptTpm,
       limit_generated AS limitGeneratedTpm, total_requests AS requests, total_rate_limited AS rateLimited, total_overloaded AS overloaded
     FROM (
       SELECT *,
         row_number() OVER (PARTITION BY model, api_key ORDER BY
           max(${usedShare('prompt', 'limit_prompt')}, ${usedShare('uncached', 'limit_uncached')}, ${usedShare('generated', 'limit_generated')}) DESC,
           prompt DESC, minute_start) AS rank,
         sum(requests) OVER groups AS total_requests, sum(rate_limited) OVER groups AS total_rate_limited,
         sum(overloaded) OVER groups AS total_overloaded
       FROM (${minutes.sql})
       WINDOW groups AS (PARTITION BY model, api_key)
     ) WHERE rank = 1`,
    minutes.params,
  );
  const rows = peaks.map(({ model, apiKey, requests, rateLimited, overloaded, ...peak }): HeadroomRow => {
    const headroom = {
      prompt: room(peak.promptTokens, peak.limitPromptTpm),
      uncachedPrompt: room(peak.uncachedPromptTokens, peak.limitUncachedPromptTpm),
      generated: room(peak.generatedTokens, peak.limitGeneratedTpm),
    };
    const known = Object.values(headroom).filter((h): h is number => h !== null);
    return {
      model, apiKey, peak, headroom,
      lowestHeadroom: known.length ? Math.min(...known) : null,
      cachingHeadroom: peak.limitUncachedPromptTpm ? (peak.promptTokens - peak.uncachedPromptTokens) / peak.limitUncachedPromptTpm : null,
      requests, rateLimited, overloaded,
    };
  });
  rows.sort((a, b) => (a.lowestHeadroom ?? Infinity) - (b.lowestHeadroom ?? Infinity) || b.requests - a.requests);
  return { rows, ignoredFilters: minutes.ignoredFilters };
}

/** Rows whose tightest meter is below LOW_HEADROOM at its peak minute, for the page's warning. */
export function lowHeadroomRows(rows: readonly HeadroomRow[]): HeadroomRow[] {
  return rows.filter((r) => r.lowestHeadroom !== null && r.lowestHeadroom < LOW_HEADROOM);
}
