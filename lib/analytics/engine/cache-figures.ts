import type { UsageTotals } from './totals';

/** What every prompt-cache breakdown shows. Rates 0..1, null without prompt tokens; money in micro-dollars. */
export interface CacheFigures {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  /** Token-weighted: cached / prompt tokens. The rate to lead with. */
  hitRate: number | null;
  /** Mean of each request's own rate: short prompts count as much as long ones, so it is shown beside, never instead. */
  perRequestHitRate: number | null;
  savingsMicros: number;
  /** Exact decimal dollars. */
  savingsUsd: string;
}

export function cacheFigures(t: UsageTotals): CacheFigures {
  return {
    requests: t.requests,
    promptTokens: t.promptTokens,
    cachedTokens: t.cachedTokens,
    hitRate: t.hitRate,
    perRequestHitRate: t.perRequestHitRate,
    savingsMicros: t.cacheSavingsMicros,
    savingsUsd: t.cacheSavingsUsd,
  };
}

/** Largest prompt volume first: where a better hit rate is worth the most. */
export const byPromptTokens = (a: CacheFigures, b: CacheFigures) => b.promptTokens - a.promptTokens;
