import type { AnalyticsDb } from './engine/run';
import { cacheFigures, type CacheFigures } from './engine/cache-figures';
import type { Filters } from './engine/filters';
import { totalsBy, type UsageTotals } from './engine/totals';

export interface MissedSavingsEstimate {
  /** No-affinity prompt tokens × max(0, hit rate with affinity − hit rate without): cached tokens they might have had. */
  extraCachedTokens: number;
  /** extraCachedTokens × savingsPerCachedTokenMicros, rounded to a micro-dollar. */
  estimateMicros: number;
}

export interface CacheAffinityComparison {
  /** Calls that sent x-session-affinity, prompt_cache_key or user. */
  withAffinity: CacheFigures;
  withoutAffinity: CacheFigures;
  /** Observed over the whole range: savings_micros / cached tokens. Null when nothing was cached. */
  savingsPerCachedTokenMicros: number | null;
  /**
   * An ESTIMATE of what the calls without affinity might have saved at the affinity calls' hit rate.
   * Null when it cannot be estimated (no affinity calls to compare with, or no observed savings per token).
   */
  missedSavings: MissedSavingsEstimate | null;
}

const NONE: UsageTotals = {
  requests: 0, errors: 0, rateLimited: 0, overloaded: 0, paymentRequired: 0, cachedMismatch: 0, unpricedRequests: 0, usageUnknownRequests: 0, promptTokens: 0, cachedTokens: 0,
  completionTokens: 0, spendMicros: 0, spendUsd: '0.000000', cacheSavingsMicros: 0, cacheSavingsUsd: '0.000000', premiumMicros: 0, premiumUsd: '0.000000', hitRate: null, perRequestHitRate: null,
};

/** Prompt caching for calls with a session-affinity key against calls without one, and what the difference may cost. */
export async function cacheAffinityComparison(db: AnalyticsDb, filters: Filters): Promise<CacheAffinityComparison> {
  const rows = await totalsBy(db, filters, ['has_affinity']);
  // has_affinity is an integer column; compare loosely so 1 and '1' both count.
  const group = (flag: number) => cacheFigures(rows.find((r) => Number(r.has_affinity) === flag) ?? NONE);
  const withAffinity = group(1);
  const withoutAffinity = group(0);

  const cachedTokens = withAffinity.cachedTokens + withoutAffinity.cachedTokens;
  const savingsMicros = withAffinity.savingsMicros + withoutAffinity.savingsMicros;
  const savingsPerCachedTokenMicros = cachedTokens > 0 ? savingsMicros / cachedTokens : null;

  let missedSavings: MissedSavingsEstimate | null = null;
  if (withoutAffinity.promptTokens === 0) missedSavings = { extraCachedTokens: 0, estimateMicros: 0 };
  else if (withAffinity.hitRate !== null && savingsPerCachedTokenMicros !== null) {
    const gap = Math.max(0, withAffinity.hitRate - withoutAffinity.hitRate!);
    const extra = withoutAffinity.promptTokens * gap;
    missedSavings = { extraCachedTokens: Math.round(extra), estimateMicros: Math.round(extra * savingsPerCachedTokenMicros) };
  }
  return { withAffinity, withoutAffinity, savingsPerCachedTokenMicros, missedSavings };
}
