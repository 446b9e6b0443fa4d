import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay, subDays } from 'date-fns';
import type { MeterDb } from '@/db/database';
import { rangeFilters, type Filters } from '@/lib/analytics/engine/filters';
import { parseUsdToPico } from '@/lib/money';
import { spendOverTimeByServingPath } from '@/lib/analytics/spend-over-time';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { SERVING_PATHS } from '@/lib/pricing/serving-paths';
import type { Budget } from './budget-schema';
import type { DailySpend } from './forecast';
import type { PeriodRange } from './period';

/** The dashboard filters that select a budget's calls in a range. */
export function budgetFilters(budget: Budget, range: PeriodRange): Filters {
  return rangeFilters(range.start, range.end, budget.timeZone, budget.scope);
}

/** Exact spend the filters select, from the rollups (raw rows only at partial hours). */
export async function spendInFilters(db: MeterDb, filters: Filters): Promise<bigint> {
  if (filters.from >= filters.to) return 0n;
  return parseUsdToPico((await totalsBy(db, filters, []))[0]!.spendUsd)!;
}

/** Exact spend in a budget's scope over a range. */
export function spendInRange(db: MeterDb, budget: Budget, range: PeriodRange): Promise<bigint> {
  return spendInFilters(db, budgetFilters(budget, range));
}

const HISTORY_DAYS = 28;

/** Spend per local day (in `filters.tz`) of a range, micro-dollar precision, days without spend left out. */
export async function spendByDay(db: MeterDb, filters: Filters): Promise<Map<number, bigint>> {
  const { points } = await spendOverTimeByServingPath(db, filters, 'day');
  return new Map(points.map((p) => [p.t, BigInt(Math.round(SERVING_PATHS.reduce((s, path) => s + p[path], 0) * 1e6))]));
}

/** Spend per whole local day over the last four weeks, for forecasts; zero days count once spending began. */
export async function dailyHistory(db: MeterDb, filters: Omit<Filters, 'from' | 'to'>, now: Date): Promise<DailySpend[]> {
  const today = startOfDay(new TZDate(now.getTime(), filters.tz));
  const from = startOfDay(subDays(today, HISTORY_DAYS));
  const byDay = await spendByDay(db, { ...filters, from: new Date(from.getTime()), to: new Date(today.getTime()) });
  // before the first day with spend there is no history to judge by
  const first = Math.min(...byDay.keys());
  const days: DailySpend[] = [];
  for (let day = from; day.getTime() < today.getTime(); day = startOfDay(addDays(day, 1))) {
    if (day.getTime() >= first) days.push({ day: new Date(day.getTime()), pico: byDay.get(day.getTime()) ?? 0n });
  }
  return days;
}
