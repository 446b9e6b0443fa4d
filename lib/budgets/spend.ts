import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay, subDays } from 'date-fns';
import type { Db } from '@/db/client';
import type { Filters } from '@/lib/analytics/filters';
import { parseUsdToPico } from '@/lib/money';
import { spendOverTimeByServingPath } from '@/lib/analytics/spend-over-time';
import { totalsBy } from '@/lib/analytics/totals';
import { SERVING_PATHS } from '@/lib/pricing/serving-paths';
import type { Budget } from './budget-schema';
import type { DailySpend } from './forecast';
import type { PeriodRange } from './period';

/** The dashboard filters that select a budget's calls in a range. */
export function budgetFilters(budget: Budget, range: PeriodRange): Filters {
  const s = budget.scope;
  return {
    from: range.start, to: range.end, tz: budget.timeZone,
    apiKey: s.apiKey ?? [], team: s.team ?? [], project: s.project ?? [], environment: s.environment ?? [],
    model: s.model ?? [], servingPath: s.servingPath ?? [], region: [],
  };
}

/** Exact spend in scope over a range, from the rollups (raw rows only at partial hours). */
export function spendInRange(db: Db, budget: Budget, range: PeriodRange): bigint {
  if (range.start >= range.end) return 0n;
  return parseUsdToPico(totalsBy(db, budgetFilters(budget, range), [])[0]!.spendUsd)!;
}

const HISTORY_DAYS = 28;

/** Spend per whole local day over the last four weeks, for the forecast (days rounded to the micro-dollar). */
export function dailyHistory(db: Db, budget: Budget, now: Date): DailySpend[] {
  const today = startOfDay(new TZDate(now.getTime(), budget.timeZone));
  const from = startOfDay(subDays(today, HISTORY_DAYS));
  const { points } = spendOverTimeByServingPath(db, budgetFilters(budget, { start: new Date(from.getTime()), end: new Date(today.getTime()) }));
  const byDay = new Map(points.map((p) => [p.t, BigInt(Math.round(SERVING_PATHS.reduce((s, path) => s + p[path], 0) * 1e6))]));
  // Days without spend count as zero once spending began; before that there is no history to judge by.
  const first = Math.min(...byDay.keys());
  const days: DailySpend[] = [];
  for (let day = from; day.getTime() < today.getTime(); day = startOfDay(addDays(day, 1))) {
    if (day.getTime() >= first) days.push({ day: new Date(day.getTime()), pico: byDay.get(day.getTime()) ?? 0n });
  }
  return days;
}
