import { TZDate } from '@date-fns/tz';
import { addDays, startOfDay, startOfMonth, subMonths } from 'date-fns';
import type { PeriodRange } from './period';

/** One whole local day's spend; `day` is the start of that day in the budget's zone. */
export interface DailySpend {
  day: Date;
  pico: bigint;
}

export interface ForecastInput {
  spentSoFarPico: bigint;
  periodStart: Date;
  periodEnd: Date;
  now: Date;
  /** Recent whole days (28 is a good length), any order; today and later are ignored, being partial. */
  dailyHistory: readonly DailySpend[];
  timeZone: string;
}

export interface Forecast {
  forecastPico: bigint;
  /** How the figure was reached, for the page to show beside it. */
  method: string;
  /** From recent days' spend, not only the period so far: only such a forecast raises a budget.forecast alert. */
  fromHistory: boolean;
}

/** Two weeks hold two of each weekday, enough for weekends to stop looking like noise. */
const WEEKDAY_SPLIT_DAYS = 14;

// A daily rate as an exact fraction, so no spend is rounded before the last step.
type Rate = { sum: bigint; days: bigint };

/**
 * The period's expected total: what is spent so far plus a daily rate over the time left. Recent
 * days give the rate when there are any (weekdays and weekends apart once there are two weeks,
 * since many workloads idle at weekends); without them the period so far is stretched to its end.
 */
export function forecastPeriodTotal(input: ForecastInput): Forecast {
  const { spentSoFarPico: spent, periodStart, periodEnd, now, timeZone } = input;
  const from = Math.max(now.getTime(), periodStart.getTime());
  const end = periodEnd.getTime();
  const today = startOfDay(new TZDate(now.getTime(), timeZone)).getTime();
  const history = input.dailyHistory.filter((d) => d.day.getTime() < today);

  if (history.length === 0) {
    const method = 'linear from period so far';
    const elapsed = BigInt(from - periodStart.getTime());
    if (from >= end || elapsed === 0n) return { forecastPico: spent, method, fromHistory: false };
    return { forecastPico: (spent * BigInt(end - periodStart.getTime())) / elapsed, method, fromHistory: false };
  }

  const split = history.length >= WEEKDAY_SPLIT_DAYS;
  const all: Rate = { sum: 0n, days: 0n };
  const weekday: Rate = { sum: 0n, days: 0n };
  const weekend: Rate = { sum: 0n, days: 0n };
  for (const d of history) {
    all.sum += d.pico;
    all.days += 1n;
    const r = isWeekend(d.day, timeZone) ? weekend : weekday;
    r.sum += d.pico;
    r.days += 1n;
  }
  const rateFor = (dayStart: Date): Rate => {
    if (!split) return all;
    const r = isWeekend(dayStart, timeZone) ? weekend : weekday;
    return r.days > 0n ? r : all;
  };

  let rest = 0n;
  // a TZDate: date-fns keeps the zone through addDays and startOfDay, whatever the static type says
  let day: Date = startOfDay(new TZDate(from, timeZone));
  while (day.getTime() < end) {
    const next = startOfDay(addDays(day, 1));
    const segment = BigInt(Math.min(next.getTime(), end) - Math.max(day.getTime(), from));
    const rate = rateFor(day);
    // the share of a 23- or 25-hour day still to come, at that day's rate
    if (segment > 0n) rest += (rate.sum * segment) / (rate.days * BigInt(next.getTime() - day.getTime()));
    day = next;
  }
  const method = split ? `weekday/weekend daily rate over the last ${history.length} days` : `mean daily rate over the last ${history.length} days`;
  return { forecastPico: spent + rest, method, fromHistory: true };
}

function isWeekend(day: Date, timeZone: string): boolean {
  const weekday = new TZDate(day.getTime(), timeZone).getDay();
  return weekday === 0 || weekday === 6;
}

/**
 * The ranges for "this month so far against the same point last month": the same day of the month
 * and wall-clock time, the day clamped to last month's length (31 March is compared with 28 or 29
 * February). Returns what to query; the caller sums each range.
 */
export function monthToDateComparison(now: Date, timeZone: string): { current: PeriodRange; previous: PeriodRange } {
  const local = new TZDate(now.getTime(), timeZone);
  const samePointLastMonth = subMonths(local, 1);
  return {
    current: { start: new Date(startOfMonth(local).getTime()), end: new Date(now.getTime()) },
    previous: { start: new Date(startOfMonth(samePointLastMonth).getTime()), end: new Date(samePointLastMonth.getTime()) },
  };
}
