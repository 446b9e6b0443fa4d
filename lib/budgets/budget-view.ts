import { and, count, eq, gte, lt } from 'drizzle-orm';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import { picoToUsdString } from '@/lib/money';
import { budgetJson, type Budget } from './budget-schema';
import type { Forecast } from './forecast';
import type { BudgetMonitor } from './monitor';
import type { PeriodRange } from './period';
import { reached, spentFraction } from './thresholds';

export type BudgetStatus = 'ok' | 'warning' | 'exceeded';

/** A budget as the API and the Budgets page show it: its fields and where it stands this period. */
export type BudgetView = ReturnType<typeof budgetJson> & {
  periodStart: string;
  periodEnd: string;
  spentUsd: string;
  fraction: number;
  forecastUsd: string;
  forecastMethod: string;
  status: BudgetStatus;
  /** Calls this budget refused with 402 this period. */
  blockedCalls: number;
};

async function blockedCalls(db: MeterDb, budgetId: number, period: PeriodRange): Promise<number> {
  const { requests } = tablesOf(db);
  const where = and(eq(requests.budgetId, budgetId), gte(requests.startedAt, period.start.getTime()), lt(requests.startedAt, period.end.getTime()));
  const [row] = await orm(db).select({ n: count() }).from(requests).where(where);
  return row?.n ?? 0;
}

/** Exceeded at the amount; a warning once the first alert threshold, or a forecast from recent days, reaches it. */
function status(budget: Budget, spent: bigint, forecast: Forecast): BudgetStatus {
  if (spent >= budget.amountPico) return 'exceeded';
  const first = budget.thresholds.find((t) => t < 1);
  const warned = first !== undefined && reached(spent, budget.amountPico, first);
  return warned || (forecast.fromHistory && forecast.forecastPico >= budget.amountPico) ? 'warning' : 'ok';
}

/** Every budget (or one) with its live state, from the monitor's memory and the database. */
export async function budgetViews(db: MeterDb, monitor: BudgetMonitor, id?: number): Promise<BudgetView[]> {
  const states = await monitor.state(id);
  const blocked = await Promise.all(states.map(({ budget, period }) => blockedCalls(db, budget.id, period)));
  return states.map(({ budget, period, spentPico, forecast }, i) => ({
    ...budgetJson(budget),
    periodStart: period.start.toISOString(),
    periodEnd: period.end.toISOString(),
    spentUsd: picoToUsdString(spentPico),
    fraction: spentFraction(spentPico, budget.amountPico),
    forecastUsd: picoToUsdString(forecast.forecastPico),
    forecastMethod: forecast.method,
    status: status(budget, spentPico, forecast),
    blockedCalls: blocked[i]!,
  }));
}
