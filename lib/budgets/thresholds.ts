import type { Budget } from './budget-schema';
import type { PeriodRange } from './period';

export type BudgetEventType = 'budget.threshold' | 'budget.exceeded' | 'budget.forecast';

/** Something to tell a budget's channels, before it is shaped into a payload (payload.ts). */
export interface BudgetEvent {
  /** Stable for one budget, period, type and threshold: the outbox key and the receivers' duplicate check. */
  id: string;
  type: BudgetEventType;
  budgetId: number;
  periodStart: Date;
  /** The threshold crossed; null for exceeded and forecast. */
  threshold: number | null;
  spentPico: bigint;
  forecastPico: bigint | null;
  at: Date;
}

/** The amount is part of the id: a budget raised mid-period alerts again at its new thresholds. */
export function budgetEventId(budgetId: number, amountPico: bigint, periodStart: Date, type: BudgetEventType, threshold: number | null = null): string {
  return `budget:${budgetId}:${amountPico}:${periodStart.toISOString()}:${type}${threshold === null ? '' : `:${threshold}`}`;
}

// Thresholds compare at millionths, in integers: 0.8 × an exact amount must not pass through a float.
const SCALE = 1_000_000n;
export const reached = (spent: bigint, amount: bigint, fraction: number) => spent * SCALE >= BigInt(Math.round(fraction * 1e6)) * amount;

export interface ThresholdCheck {
  budget: Budget;
  period: PeriodRange;
  spentPico: bigint;
  /** The period's forecast total, or null when none was made. */
  forecastPico: bigint | null;
  /** Ids of this budget's events already queued (budgetEventId); ids of other periods may be included. */
  fired: ReadonlySet<string>;
  now: Date;
}

/**
 * The events due now, each at most once per budget per period: a `budget.threshold` for every
 * threshold reached other than 1, a `budget.exceeded` once spend reaches the amount (whatever the
 * thresholds list says, threshold 1 being that same moment), and a `budget.forecast` when the
 * forecast reaches the amount while spend has not. Thresholds above 1 are over-spend warnings
 * (1.5 = 150%) and fire after `exceeded`. Re-running with the same `fired` set adds nothing.
 */
export function eventsToFire(check: ThresholdCheck): BudgetEvent[] {
  const { budget, period, spentPico, forecastPico, fired, now } = check;
  const amount = budget.amountPico;
  const events: BudgetEvent[] = [];
  const add = (type: BudgetEventType, threshold: number | null) => {
    const id = budgetEventId(budget.id, budget.amountPico, period.start, type, threshold);
    if (!fired.has(id)) events.push({ id, type, budgetId: budget.id, periodStart: period.start, threshold, spentPico, forecastPico, at: now });
  };
  const exceeded = spentPico >= amount;
  for (const t of budget.thresholds) {
    if (t < 1 && reached(spentPico, amount, t)) add('budget.threshold', t);
  }
  if (exceeded) add('budget.exceeded', null);
  for (const t of budget.thresholds) {
    if (t > 1 && reached(spentPico, amount, t)) add('budget.threshold', t);
  }
  if (!exceeded && forecastPico !== null && forecastPico >= amount) add('budget.forecast', null);
  return events;
}

/** Spend as a fraction of the amount, for display (4 decimal places are plenty for a percentage). */
export function spentFraction(spentPico: bigint, amountPico: bigint): number {
  return amountPico > 0n ? Number((spentPico * 10_000n) / amountPico) / 10_000 : 0;
}
