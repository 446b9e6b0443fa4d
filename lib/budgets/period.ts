import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, addWeeks, startOfDay, startOfMonth, startOfWeek } from 'date-fns';

/** The one home of the budget period vocabulary; the schema and every budget module take it from here. */
export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

/** A half-open range [start, end) of real instants. */
export interface PeriodRange {
  start: Date;
  end: Date;
}

/**
 * The day, week (Monday first) or month containing `at`, as the budget's own zone sees it. The
 * arithmetic runs on local calendar fields, so a Berlin day around a clock change is 23 or 25 hours
 * long instead of a fixed 24, and the end of one period is exactly the start of the next. The end is
 * taken as the start of the next period, not start + 1 unit: where midnight does not exist (Santiago
 * springs from 00:00 to 01:00) a day starts at 01:00, and adding a day to that would overshoot.
 */
export function budgetPeriod(period: Period, timeZone: string, at: Date): PeriodRange {
  const local = new TZDate(at.getTime(), timeZone);
  let start: TZDate;
  let end: TZDate;
  if (period === 'day') {
    start = startOfDay(local);
    end = startOfDay(addDays(start, 1));
  } else if (period === 'week') {
    start = startOfWeek(local, { weekStartsOn: 1 });
    end = startOfWeek(addWeeks(start, 1), { weekStartsOn: 1 });
  } else {
    start = startOfMonth(local);
    end = startOfMonth(addMonths(start, 1));
  }
  return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
}

/** Whole seconds until `end`, rounded up and at least 1, so a Retry-After never invites an immediate retry. */
export function secondsUntil(end: Date, now: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - now.getTime()) / 1000));
}

/** Whether `at` lies in [start, end). */
export function inPeriod(range: PeriodRange, at: Date): boolean {
  const t = at.getTime();
  return t >= range.start.getTime() && t < range.end.getTime();
}
