import type { MeterReading } from './rate-limit-minutes';

// What the Rate limits page and its warning read from a headroom answer: no database here, so the
// browser can import it (the question itself is in lib/analytics/rate-limits-headroom.ts).

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
  peak: MeterReading;
  /** 1 − used / limit at the peak minute, per meter; negative when over; null when the limit is unknown. */
  headroom: MeterFigures;
  /** What Fireworks told the calls about the whole account: the lowest remaining / limit per meter in the range. */
  reported: MeterFigures;
  /** Calls Fireworks marked `x-ratelimit-over-limit: yes` in the range. */
  overLimitCalls: number;
  /**
   * The lower of Meter's own figure (its calls at the peak minute) and Fireworks' report (the whole
   * account, other clients included), for sorting, the headline and the warning.
   */
  lowestHeadroom: number | null;
  /** Which of the two `lowestHeadroom` came from. */
  headroomSource: 'fireworks' | 'meter' | null;
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

/** The least headroom among a row's known meter figures, or null when none is known. */
export const lowestHeadroom = (f: MeterFigures) => {
  const known = Object.values(f).filter((h): h is number => h !== null);
  return known.length ? Math.min(...known) : null;
};

/** Rows whose tightest meter is below LOW_HEADROOM at its peak minute, for the page's warning. */
export function lowHeadroomRows(rows: readonly HeadroomRow[]): HeadroomRow[] {
  return rows.filter((r) => r.lowestHeadroom !== null && r.lowestHeadroom < LOW_HEADROOM);
}
