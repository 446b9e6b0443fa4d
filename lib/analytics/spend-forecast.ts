import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay } from 'date-fns';
import type { MeterDb } from '@/db/database';
import { monthToDateComparison, forecastPeriodTotal } from '@/lib/budgets/forecast';
import { budgetPeriod, type PeriodRange } from '@/lib/budgets/period';
import { listBudgets } from '@/lib/budgets/store';
import { dailyHistory, spendByDay, spendInFilters } from '@/lib/budgets/spend';
import type { Budget } from '@/lib/budgets/budget-schema';
import { picoToMicros, picoToUsdString } from '@/lib/money';
import { FILTER_COLUMNS, type Filters } from './engine/filters';

export interface SpendForecast {
  timeZone: string;
  monthToDate: { from: string; to: string; spentUsd: string; spentMicros: number };
  /** Last month from its first day to the same day and time (the day clamped to its length). */
  lastMonthToSamePoint: { from: string; to: string; spentUsd: string; spentMicros: number };
  projectedMonthEnd: { usd: string; micros: number; method: string };
  /** Cumulative spend by day of the month (micro-dollars), this month so far and all of last month. */
  days: { day: number; thisMonth: number | null; lastMonth: number | null }[];
  /** A monthly budget whose scope is exactly the current filters, for its line on the chart. */
  budget: { id: number; name: string; amountUsd: string; amountMicros: number } | null;
}

const SCOPED = Object.keys(FILTER_COLUMNS).filter((k) => k !== 'region') as (keyof typeof FILTER_COLUMNS)[];
const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && a.every((x) => b.includes(x));

/** The monthly budget in this time zone whose scope is what the page filters by, if any. */
function matchingBudget(budgets: Budget[], filters: Filters): Budget | undefined {
  if (filters.region.length) return undefined;
  return budgets.find((b) => b.period === 'month' && b.timeZone === filters.tz && SCOPED.every((k) => sameSet(b.scope[k as keyof Budget['scope']], filters[k])));
}

async function cumulative(db: MeterDb, filters: Filters, month: PeriodRange, until: Date): Promise<(number | null)[]> {
  const byDay = await spendByDay(db, { ...filters, from: month.start, to: until });
  const out: (number | null)[] = [];
  let sum = 0n;
  for (let day = startOfDay(new TZDate(month.start.getTime(), filters.tz)); day.getTime() < month.end.getTime(); day = startOfDay(addDays(day, 1))) {
    if (day.getTime() >= until.getTime()) out.push(null);
    else {
      sum += byDay.get(day.getTime()) ?? 0n;
      out.push(picoToMicros(sum));
    }
  }
  return out;
}

/**
 * Month to date against the same point last month, and the projected month end (spend so far plus
 * the recent daily rate over the days left, lib/budgets/forecast.ts), in the filters' zone. The
 * page's range does not apply: these are about the calendar month containing `now`.
 */
export async function spendForecast(db: MeterDb, filters: Filters, now: Date): Promise<SpendForecast> {
  const { current, previous } = monthToDateComparison(now, filters.tz);
  const thisMonth = budgetPeriod('month', filters.tz, now);
  const lastMonth = budgetPeriod('month', filters.tz, new Date(thisMonth.start.getTime() - 1));
  const spent = await spendInFilters(db, { ...filters, from: current.start, to: current.end });
  const before = await spendInFilters(db, { ...filters, from: previous.start, to: previous.end });
  const history = await dailyHistory(db, filters, now);
  const forecast = forecastPeriodTotal({ spentSoFarPico: spent, periodStart: thisMonth.start, periodEnd: thisMonth.end, now, dailyHistory: history, timeZone: filters.tz });
  const these = await cumulative(db, filters, thisMonth, now);
  const those = await cumulative(db, filters, lastMonth, lastMonth.end);
  const budget = matchingBudget(await listBudgets(db), filters);
  const range = (r: PeriodRange, pico: bigint) => ({ from: r.start.toISOString(), to: r.end.toISOString(), spentUsd: picoToUsdString(pico), spentMicros: picoToMicros(pico) });
  return {
    timeZone: filters.tz,
    monthToDate: range(current, spent),
    lastMonthToSamePoint: range(previous, before),
    projectedMonthEnd: { usd: picoToUsdString(forecast.forecastPico), micros: picoToMicros(forecast.forecastPico), method: forecast.method },
    days: Array.from({ length: Math.max(these.length, those.length) }, (_, i) => ({ day: i + 1, thisMonth: these[i] ?? null, lastMonth: those[i] ?? null })),
    budget: budget ? { id: budget.id, name: budget.name, amountUsd: picoToUsdString(budget.amountPico, 2), amountMicros: picoToMicros(budget.amountPico) } : null,
  };
}
