import { TZDate } from '@date-fns/tz';
import { addMonths, startOfMonth, subMonths } from 'date-fns';
import { z } from 'zod';

const list = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(50));

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** Whether the runtime knows the zone (IANA names such as Europe/Berlin, and UTC). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().refine(isTimeZone, 'tz must be an IANA time zone such as Europe/Berlin');

export { SERVING_PATHS } from '@/lib/pricing/serving-paths';
import { SERVING_PATHS } from '@/lib/pricing/serving-paths';
export const REGIONS = ['global', 'us'] as const;

const bothDates = (f: { from: unknown; to: unknown }) => f.from instanceof Date && f.to instanceof Date;

/** The filters every dashboard question takes, straight from the page's URL. */
export const filtersSchema = z
  .object({
    from: instant,
    to: instant,
    tz: timeZone.default('UTC'),
    apiKey: list(z.string().min(1)),
    team: list(z.string().min(1)),
    project: list(z.string().min(1)),
    environment: list(z.string().min(1)),
    model: list(z.string().min(1)),
    servingPath: list(z.enum(SERVING_PATHS)),
    region: list(z.enum(REGIONS)),
    endpoint: list(z.string().min(1)), // chat/completions, completions, embeddings, messages (lib/usage/endpoints.ts)
  })
  // zod 4 runs these even after `from` or `to` failed, with the raw string: judge only real dates
  .refine((f) => !bothDates(f) || f.from < f.to, { message: '`from` must be before `to`', path: ['from'] })
  .refine((f) => !bothDates(f) || f.to.getTime() - f.from.getTime() <= 400 * 86_400_000, { message: 'ranges are limited to 400 days', path: ['to'] });

export type Filters = z.infer<typeof filtersSchema>;

type ListFilters = Omit<Filters, 'from' | 'to' | 'tz'>;

/** Filters built in code (budgets, watches, re-pricing) rather than read from a URL: a range, and any lists given. */
export function rangeFilters(from: Date, to: Date, tz = 'UTC', lists: Partial<ListFilters> = {}): Filters {
  return { from, to, tz, apiKey: [], team: [], project: [], environment: [], model: [], servingPath: [], region: [], endpoint: [], ...lists };
}

/** Filter columns as they are named in both the raw rows and the rollups. */
export const FILTER_COLUMNS = {
  apiKey: 'api_key',
  team: 'team',
  project: 'project',
  environment: 'environment',
  model: 'model',
  servingPath: 'serving_path',
  region: 'region',
  endpoint: 'endpoint',
} as const satisfies Partial<Record<keyof Filters, string>>;

export type Bucket = 'minute' | 'hour' | 'day';

/** A bucket that gives a readable number of points: ≤ 6 h by minute, ≤ 14 d by hour, else by day. */
export function bucketFor(filters: Pick<Filters, 'from' | 'to'>): Bucket {
  const span = filters.to.getTime() - filters.from.getTime();
  if (span <= 6 * 3_600_000) return 'minute';
  if (span <= 14 * 86_400_000) return 'hour';
  return 'day';
}

/**
 * What a range is compared with: a range starting at a local month's start and ending within that
 * month ("This month") is set against the same elapsed part of the month before (the 1st at 08:00
 * against last month's 1st to 08:00, 31 March against 28 February); any other range against the
 * range of the same length just before it.
 */
export function previousPeriod<F extends Pick<Filters, 'from' | 'to' | 'tz'>>(filters: F): F {
  const from = new TZDate(filters.from.getTime(), filters.tz);
  if (from.getTime() === startOfMonth(from).getTime() && filters.to.getTime() <= startOfMonth(addMonths(from, 1)).getTime()) {
    const monthBefore = startOfMonth(subMonths(from, 1));
    const elapsed = new TZDate(filters.to.getTime(), filters.tz);
    const samePoint = subMonths(elapsed, 1); // date-fns clamps the day to the shorter month
    const to = filters.to.getTime() === startOfMonth(addMonths(from, 1)).getTime() ? from : samePoint;
    return { ...filters, from: new Date(monthBefore.getTime()), to: new Date(to.getTime()) };
  }
  const span = filters.to.getTime() - filters.from.getTime();
  return { ...filters, from: new Date(filters.from.getTime() - span), to: new Date(filters.from) };
}
