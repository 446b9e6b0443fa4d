import { picoToUsdString } from '@/lib/money';
import { servingPathSettings } from '@/lib/pricing/lookup';
import { MINUTE_MS } from '@/lib/rollups/definition';
import { filterClause } from './engine/facts';
import type { Filters } from './engine/filters';
import { moneySum, rawMoneySumSql, type MoneySumColumns } from './engine/money-sums';
import { query, type AnalyticsDb } from './engine/run';
import { countWhere, subquery } from './engine/dialect';
import { raw, sql } from './engine/sql';

/** A Standard call in the same session, same key and base model, this soon after a Spot 503 or 429, is its retry. */
export const RETRY_WINDOW_MINUTES = 10;

export interface SpotEffectiveDiscount {
  spotCalls: number;
  /** Spot calls answered 503 (no capacity) or 429. */
  refusedSpotCalls: number;
  /** Standard calls that retried a refused Spot call (see RETRY_WINDOW_MINUTES). */
  retriesOnStandard: number;
  spotSpendUsd: string;
  retrySpendUsd: string;
  /** The completed Spot calls' tokens on Standard, plus the retries (already Standard). */
  standardEquivalentUsd: string;
  /** 1 − (Spot spend + retry spend) / Standard equivalent; null without priced Spot calls. */
  effectiveDiscount: number | null;
  /** What Spot's price alone saves (the SPOT_PRICE_PERCENT setting). */
  listedDiscount: number;
  retryWindowMinutes: number;
}

type Row = { spotCalls: number; refused: number } & MoneySumColumns<'spot' | 'spotStandard'>;
type RetryRow = { retries: number } & MoneySumColumns<'retry'>;

/**
 * What Spot really saved: its spend plus the Standard retries its refusals caused, against the
 * same work on Standard. Read from raw rows (Spot calls in the range, their refusals' retries), as
 * Spot is a small share of traffic and the retry needs each call's session and time.
 */
export async function spotEffectiveDiscount(db: AnalyticsDb, filters: Filters): Promise<SpotEffectiveDiscount> {
  const spot = sql`SELECT * FROM requests WHERE started_at >= ${filters.from.getTime()} AND started_at < ${filters.to.getTime()} AND serving_path = 'spot'${filterClause(filters)}`;
  const [totals] = await query<Row>(
    db,
    // only Spot calls whose Standard price is known count on both sides, so the two sums compare like with like
    sql`SELECT count(*) AS spotCalls, coalesce(${countWhere('status IN (429, 503)')}, 0) AS refused,
       ${raw(rawMoneySumSql('CASE WHEN standard_cost_pico IS NOT NULL THEN cost_total_pico END', 'spot'))},
       ${raw(rawMoneySumSql('CASE WHEN cost_total_pico IS NOT NULL THEN standard_cost_pico END', 'spotStandard'))}
     FROM ${subquery(spot)}`,
  );
  // The retry's hour is the refusal's or the next few: the session index leads with the hour.
  const [retries] = await query<RetryRow>(
    db,
    sql`SELECT count(*) AS retries, ${raw(rawMoneySumSql('cost_total_pico', 'retry'))} FROM requests WHERE id IN (
       SELECT DISTINCT r.id FROM (${spot}) s JOIN requests r
         ON r.started_at / 3600000 BETWEEN s.started_at / 3600000 AND (s.started_at + ${raw(String(RETRY_WINDOW_MINUTES * MINUTE_MS))}) / 3600000
         AND r.session_affinity = s.session_affinity AND r.api_key = s.api_key AND r.serving_path = 'standard'
         AND r.model = substr(s.model, 1, length(s.model) - length('-spot'))
         AND r.started_at > s.started_at AND r.started_at <= s.started_at + ${raw(String(RETRY_WINDOW_MINUTES * MINUTE_MS))}
       WHERE s.status IN (429, 503) AND s.session_affinity IS NOT NULL AND s.model LIKE '%-spot')`,
  );
  const spend = moneySum(totals!, 'spot');
  const retrySpend = moneySum(retries!, 'retry');
  const standard = moneySum(totals!, 'spotStandard') + retrySpend;
  const paid = spend + retrySpend;
  return {
    spotCalls: totals!.spotCalls,
    refusedSpotCalls: totals!.refused,
    retriesOnStandard: retries!.retries,
    spotSpendUsd: picoToUsdString(spend),
    retrySpendUsd: picoToUsdString(retrySpend),
    standardEquivalentUsd: picoToUsdString(standard),
    effectiveDiscount: standard > 0n ? 1 - Number((paid * 1_000_000n) / standard) / 1e6 : null,
    listedDiscount: 1 - servingPathSettings().derivedPercents.spot / 100,
    retryWindowMinutes: RETRY_WINDOW_MINUTES,
  };
}
