/**
 * Every recorded call is in exactly one cost state, and the three are never mixed:
 * - priced: usage known and a price row for its model, serving path and region at that date;
 * - unpriced: usage known, no price row (a price to add);
 * - usage_unknown: no usage (a hang-up, an error, a cut stream, an out-of-bound count): nothing to price.
 * A zero-priced call is priced at $0.00.
 */
export const COST_STATES = ['priced', 'unpriced', 'usage_unknown'] as const;
export type CostState = (typeof COST_STATES)[number];

export const COST_STATE_LABELS: Record<CostState, string> = {
  priced: 'priced',
  unpriced: 'unpriced',
  usage_unknown: 'usage unknown',
};

/** Why a call has no cost, in the user's words. */
export const COST_STATE_REASONS: Record<Exclude<CostState, 'priced'>, string> = {
  unpriced: 'no price row for this model, serving path and region at that date',
  usage_unknown: 'the call ended without a usage report (hang-up, error or cut stream), so there is nothing to price',
};

export function costState(promptTokens: number | null, costTotalPico: number | null): CostState {
  if (promptTokens === null) return 'usage_unknown';
  return costTotalPico === null ? 'unpriced' : 'priced';
}

/** The same rule over a `requests` row in SQL, one predicate per state. */
export const COST_STATE_SQL: Record<CostState, string> = {
  priced: '(prompt_tokens IS NOT NULL AND cost_total_pico IS NOT NULL)',
  unpriced: '(prompt_tokens IS NOT NULL AND cost_total_pico IS NULL)',
  usage_unknown: '(prompt_tokens IS NULL)',
};

export const COST_STATE_CASE_SQL = `CASE WHEN ${COST_STATE_SQL.usage_unknown} THEN 'usage_unknown' WHEN ${COST_STATE_SQL.unpriced} THEN 'unpriced' ELSE 'priced' END`;
