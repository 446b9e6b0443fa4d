import type { Dimension } from '@/lib/rollups/definition';
import { factsFor } from './facts';
import { amount, moneySum, moneySumSql, type MoneySumColumns } from './money-sums';

export type { Dimension };
import { previousPeriod, type Filters } from './filters';
import { query, type AnalyticsDb } from './run';
import { subquery } from './dialect';
import { raw, sql, type Sql } from './sql';

/**
 * The figures every breakdown shows. Money twice: `…Micros` rounded to whole micro-dollars (charts,
 * sorting, cards) and `…Usd` the exact decimal dollars (tables, exports, reconciliation). Rates 0..1,
 * or null when there were no prompt tokens.
 */
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
  spendUsd: string;
  cacheSavingsMicros: number;
  cacheSavingsUsd: string;
  /** What Priority and Fast calls cost above the same tokens on Standard. */
  premiumMicros: number;
  premiumUsd: string;
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
  ${moneySumSql('cost', 'spend')}, ${moneySumSql('savings', 'savings')},
  ${moneySumSql('premium_cost', 'premiumCost')}, ${moneySumSql('standard_cost', 'standardCost')},
  coalesce(sum(cached_mismatch), 0) AS cachedMismatch, coalesce(sum(hit_rate_ppm_sum), 0) AS hitRatePpmSum, coalesce(sum(requests_with_prompt), 0) AS requestsWithPrompt`;

type Money = 'spendMicros' | 'spendUsd' | 'cacheSavingsMicros' | 'cacheSavingsUsd' | 'premiumMicros' | 'premiumUsd';
export type TotalsRow = Omit<UsageTotals, 'hitRate' | 'perRequestHitRate' | Money> &
  MoneySumColumns<'spend' | 'savings' | 'premiumCost' | 'standardCost'> & { hitRatePpmSum: number; requestsWithPrompt: number };

export function toTotals(row: TotalsRow): UsageTotals {
  const {
    hitRatePpmSum, requestsWithPrompt, spendWholeMicros: _a, spendRemainderPico: _b, savingsWholeMicros: _c, savingsRemainderPico: _d,
    premiumCostWholeMicros: _e, premiumCostRemainderPico: _f, standardCostWholeMicros: _g, standardCostRemainderPico: _h, ...sums
  } = row;
  const spend = amount(moneySum(row, 'spend'));
  const savings = amount(moneySum(row, 'savings'));
  const premium = amount(moneySum(row, 'premiumCost') - moneySum(row, 'standardCost'));
  return {
    ...sums,
    spendMicros: spend.micros, spendUsd: spend.usd,
    cacheSavingsMicros: savings.micros, cacheSavingsUsd: savings.usd,
    premiumMicros: premium.micros, premiumUsd: premium.usd,
    hitRate: row.promptTokens > 0 ? row.cachedTokens / row.promptTokens : null,
    perRequestHitRate: requestsWithPrompt > 0 ? hitRatePpmSum / 1e6 / requestsWithPrompt : null,
  };
}


type TotalsRows<D extends Dimension> = (UsageTotals & Record<D, string>)[];

function totalsSql(filters: Filters, dimensions: readonly Dimension[]): Sql {
  const facts = factsFor(filters, { series: false, dimensions });
  const dims = raw(dimensions.join(', '));
  return dimensions.length
    ? sql`SELECT ${dims}, ${raw(TOTALS_SELECT)} FROM ${subquery(facts)} GROUP BY ${dims} ORDER BY sum(cost_micros) DESC, sum(cost_pico_remainder) DESC, requests DESC`
    : sql`SELECT ${raw(TOTALS_SELECT)} FROM ${subquery(facts)}`;
}

const withTotals = <D extends Dimension>(rows: (TotalsRow & Record<D, string>)[]): TotalsRows<D> => rows.map((row) => ({ ...row, ...toTotals(row) }));

/** Totals grouped by the given dimensions (none: one row for the whole range), largest spend first. */
export async function totalsBy<D extends Dimension>(db: AnalyticsDb, filters: Filters, dimensions: readonly D[]): Promise<TotalsRows<D>> {
  return withTotals(await query<TotalsRow & Record<D, string>>(db, totalsSql(filters, dimensions)));
}

/** Rows of a breakdown with what the same group spent in the previous period (micro-dollars; 0 when it had no calls). */
export async function totalsWithPreviousBy<D extends Dimension>(db: AnalyticsDb, filters: Filters, dimensions: readonly D[]): Promise<(UsageTotals & Record<D, string> & { previousSpendMicros: number })[]> {
  const key = (r: Record<D, string>) => dimensions.map((d) => String(r[d])).join('\u0000');
  const before = new Map((await totalsBy(db, previousPeriod(filters), dimensions)).map((r) => [key(r), r.spendMicros]));
  return (await totalsBy(db, filters, dimensions)).map((r) => ({ ...r, previousSpendMicros: before.get(key(r)) ?? 0 }));
}
