import type { Db } from '@/db/client';
import type { Dimension } from '@/lib/rollups/definition';
import { factsFor } from './facts';

export type { Dimension };
import type { Filters } from './filters';
import { query } from './run';

/** The figures every breakdown shows. Money in integer micro-dollars; rates 0..1 or null when there were no prompt tokens. */
export interface UsageTotals {
  requests: number;
  errors: number;
  rateLimited: number;
  overloaded: number;
  /** 402: a per-user spending cap was reached. */
  paymentRequired: number;
  /** Usage known, no price row. */
  unpricedRequests: number;
  /** No usage to price: hang-ups, errors, cut streams. */
  usageUnknownRequests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  spendMicros: number;
  cacheSavingsMicros: number;
  /** What Priority and Fast calls cost above the same tokens on Standard. */
  premiumMicros: number;
  /** Calls whose cached-token counts (usage, header, perf_metrics) disagree. */
  cachedMismatch: number;
  /** Token-weighted: cached / prompt tokens. */
  hitRate: number | null;
  /** Mean of each request's own cached / prompt (shown beside, never instead). */
  perRequestHitRate: number | null;
}

export const TOTALS_SELECT = `
  coalesce(sum(requests), 0) AS requests, coalesce(sum(errors), 0) AS errors,
  coalesce(sum(rate_limited), 0) AS rateLimited, coalesce(sum(overloaded), 0) AS overloaded, coalesce(sum(payment_required), 0) AS paymentRequired,
  coalesce(sum(unpriced), 0) AS unpricedRequests, coalesce(sum(usage_unknown), 0) AS usageUnknownRequests, coalesce(sum(prompt_tokens), 0) AS promptTokens,
  coalesce(sum(cached_tokens), 0) AS cachedTokens, coalesce(sum(completion_tokens), 0) AS completionTokens,
  coalesce(sum(cost_micros), 0) AS spendMicros, coalesce(sum(savings_micros), 0) AS cacheSavingsMicros,
  coalesce(sum(premium_cost_micros), 0) - coalesce(sum(standard_cost_micros), 0) AS premiumMicros,
  coalesce(sum(cached_mismatch), 0) AS cachedMismatch, coalesce(sum(hit_rate_ppm_sum), 0) AS hitRatePpmSum, coalesce(sum(requests_with_prompt), 0) AS requestsWithPrompt`;

export type TotalsRow = Omit<UsageTotals, 'hitRate' | 'perRequestHitRate'> & { hitRatePpmSum: number; requestsWithPrompt: number };

export function toTotals(row: TotalsRow): UsageTotals {
  const { hitRatePpmSum, requestsWithPrompt, ...sums } = row;
  return {
    ...sums,
    hitRate: row.promptTokens > 0 ? row.cachedTokens / row.promptTokens : null,
    perRequestHitRate: requestsWithPrompt > 0 ? hitRatePpmSum / 1e6 / requestsWithPrompt : null,
  };
}


/** Totals grouped by the given dimensions (none: one row for the whole range), largest spend first. */
export function totalsBy<D extends Dimension>(db: Db, filters: Filters, dimensions: readonly D[]): (UsageTotals & Record<D, string>)[] {
  const facts = factsFor(filters, { series: false, dimensions });
  const dims = dimensions.join(', ');
  const sql = dimensions.length
    ? `SELECT ${dims}, ${TOTALS_SELECT} FROM (${facts.sql}) GROUP BY ${dims} ORDER BY spendMicros DESC, requests DESC`
    : `SELECT ${TOTALS_SELECT} FROM (${facts.sql})`;
  return query<TotalsRow & Record<D, string>>(db, sql, facts.params).map((row) => ({ ...row, ...toTotals(row) }));
}
