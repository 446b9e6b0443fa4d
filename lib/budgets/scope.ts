import { picoToUsdString } from '@/lib/money';
import { SCOPE_KEYS, type Budget, type BudgetScope, type ScopeKey } from './budget-schema';
import { budgetPeriod, secondsUntil, type PeriodRange } from './period';

/** What a call is judged by; null where the call did not say (no team header, say). */
export type CallDimensions = Record<ScopeKey, string | null>;

/**
 * Whether a call counts against a scope. An empty scope is the whole account. A key that is set
 * matches only calls that carry one of its values: a call with no team never counts against a
 * team's budget, or one unlabelled caller could exhaust everyone's.
 */
export function matchesScope(scope: BudgetScope, call: CallDimensions): boolean {
  return matchesSets(scopeSets(scope), call);
}

/** A scope as the keys it sets and their values, as sets: the proxy checks every call against them. */
type ScopeSets = [ScopeKey, ReadonlySet<string>][];

function scopeSets(scope: BudgetScope): ScopeSets {
  return SCOPE_KEYS.flatMap((key): ScopeSets => {
    const values: readonly string[] | undefined = scope[key];
    return values === undefined ? [] : [[key, new Set(values)]];
  });
}

function matchesSets(sets: ScopeSets, call: CallDimensions): boolean {
  for (const [key, allowed] of sets) {
    const value = call[key];
    if (value === null || !allowed.has(value)) return false;
  }
  return true;
}

/** A budget with its spend in one period. */
export interface BudgetSpend {
  budget: Budget;
  period: PeriodRange;
  spentPico: bigint;
}

interface Entry extends BudgetSpend {
  sets: ScopeSets;
  /** The period just closed: calls that began in it can still be committed after it ends. */
  previous?: { period: PeriodRange; spentPico: bigint };
}

/**
 * Every budget with its spend in the current period, in memory, so the proxy can refuse a call
 * without a database read. The database stays the truth: setBudgets replaces the state with
 * figures read from it, and addSpend keeps it current between reads.
 *
 * For the figures to agree, call addSpend for exactly the calls the spend read did not see, and let
 * no addSpend fall between the read and setBudgets (the monitor never follows while it loads), or it
 * is lost or counted twice.
 */
export class BudgetIndex {
  #entries: Entry[] = [];

  /**
   * Replaces all budgets. `spendByBudgetId` is each budget's spend in the period containing `at`
   * (missing: nothing spent yet). Budgets are checked in the order given.
   */
  setBudgets(
    budgets: readonly Budget[],
    spendByBudgetId: ReadonlyMap<number, bigint>,
    at: Date = new Date(),
    previousSpendByBudgetId: ReadonlyMap<number, bigint> = new Map(),
  ): void {
    this.#entries = budgets.map((budget) => {
      const period = budgetPeriod(budget.period, budget.timeZone, at);
      const before = previousSpendByBudgetId.get(budget.id);
      return {
        budget,
        sets: scopeSets(budget.scope),
        period,
        spentPico: spendByBudgetId.get(budget.id) ?? 0n,
        previous: before === undefined ? undefined : { period: budgetPeriod(budget.period, budget.timeZone, new Date(period.start.getTime() - 1)), spentPico: before },
      };
    });
  }

  /** Counts a recorded call against every matching budget whose current period contains `at` (its start time). */
  addSpend(call: CallDimensions, pico: bigint, at: Date): void {
    if (pico === 0n) return;
    const t = at.getTime();
    for (const entry of this.#entries) {
      rollForward(entry, at);
      if (!matches(entry, call)) continue;
      if (t >= entry.period.start.getTime()) entry.spentPico += pico;
      // a call from the period just closed counts there (its alerts may still be due), never here
      else if (entry.previous && t >= entry.previous.period.start.getTime()) entry.previous.spentPico += pico;
    }
  }

  /**
   * The first `block` budget covering this call that is used up in the period containing `now`.
   * Reaching the amount exactly counts as used up: the budget is what may be spent, not a floor
   * that must be passed.
   */
  blockingBudget(call: CallDimensions, now: Date): Budget | null {
    for (const entry of this.#entries) {
      if (entry.budget.action !== 'block') continue;
      rollForward(entry, now);
      if (entry.spentPico >= entry.budget.amountPico && matches(entry, call)) return entry.budget;
    }
    return null;
  }

  /** Every budget's spend in its period containing `now` (for threshold checks and the pages). */
  spend(now: Date): BudgetSpend[] {
    return this.#entries.map((entry) => {
      rollForward(entry, now);
      return { budget: entry.budget, period: entry.period, spentPico: entry.spentPico };
    });
  }

  /** The periods that closed less than `graceMs` ago, with their spend: late calls may still cross a threshold there. */
  closedRecently(now: Date, graceMs: number): BudgetSpend[] {
    return this.#entries.flatMap((entry) => {
      rollForward(entry, now);
      const p = entry.previous;
      return p && now.getTime() < p.period.end.getTime() + graceMs ? [{ budget: entry.budget, period: p.period, spentPico: p.spentPico }] : [];
    });
  }
}

const matches = (entry: Entry, call: CallDimensions) => matchesSets(entry.sets, call);

// Past its end a period's spend no longer limits anything; the new period starts from nothing
// until the next read from the database says otherwise.
function rollForward(entry: Entry, at: Date): void {
  if (at.getTime() < entry.period.end.getTime()) return;
  const closed = { period: entry.period, spentPico: entry.spentPico };
  entry.period = budgetPeriod(entry.budget.period, entry.budget.timeZone, at);
  entry.previous = closed.period.end.getTime() === entry.period.start.getTime() ? closed : undefined;
  entry.spentPico = 0n;
}

/** The proxy's reply to a call refused by a budget; Retry-After is the time left until the period resets. */
export function blockedResponse(budget: Budget, now: Date): { status: 402; headers: Record<string, string>; body: string } {
  const { end } = budgetPeriod(budget.period, budget.timeZone, now);
  const message = `Budget "${budget.name}" of $${picoToUsdString(budget.amountPico, 2)} per ${budget.period} is used up; it resets at ${end.toISOString()}.`;
  return {
    status: 402,
    headers: { 'content-type': 'application/json', 'retry-after': String(secondsUntil(end, now)) },
    body: JSON.stringify({ error: { type: 'budget_exceeded', code: 'budget_exceeded', message } }),
  };
}
