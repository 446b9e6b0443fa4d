import { TZDate } from '@date-fns/tz';
import { startOfMinute, startOfMonth, subDays, subHours, subMonths } from 'date-fns';

export const PRESETS = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  month: 'This month',
  'last-month': 'Last month',
  custom: 'Custom',
} as const;
export type Preset = keyof typeof PRESETS;

export const LIST_FILTERS = ['apiKey', 'team', 'project', 'environment', 'model', 'servingPath', 'region', 'endpoint'] as const;
export type ListFilter = (typeof LIST_FILTERS)[number];

/** Each list filter in the user's words: the filter bar's labels, and the notes of pages a filter does not apply to. */
export const LIST_FILTER_LABELS: Record<ListFilter, string> = {
  apiKey: 'API key',
  team: 'Team',
  project: 'Project',
  environment: 'Environment',
  model: 'Model',
  servingPath: 'Serving path',
  region: 'Region',
  endpoint: 'Endpoint',
};

/** A filter's name inside a sentence ("the endpoint filter"); keys the bar does not know are shown as given. */
export function filterName(key: string): string {
  const label = (LIST_FILTER_LABELS as Record<string, string>)[key];
  return label ? (key === 'apiKey' ? label : label.toLowerCase()) : key;
}

/** What a page's URL says: a preset or a custom range, and the list filters. */
export interface ViewFilters {
  range: Preset;
  from?: string;
  to?: string;
  lists: Record<ListFilter, string[]>;
}

export function readViewFilters(params: URLSearchParams): ViewFilters {
  const range = (params.get('range') ?? '24h') as Preset;
  const lists = Object.fromEntries(LIST_FILTERS.map((k) => [k, params.getAll(k)])) as Record<ListFilter, string[]>;
  return {
    range: range in PRESETS ? range : '24h',
    from: params.get('from') ?? undefined,
    to: params.get('to') ?? undefined,
    lists,
  };
}

/** Absolute [from, to) for a view, in the viewer's clock; minute-aligned so repeated renders share a cache key. */
export function resolveRange(view: ViewFilters, now = new Date(), monthZone = 'UTC'): { from: Date; to: Date } {
  const end = startOfMinute(new Date(now.getTime() + 60_000));
  // months are the billing zone's (Settings), so "Last month" is the month Fireworks bills
  const inMonthZone = new TZDate(now.getTime(), monthZone);
  switch (view.range) {
    case '1h':
      return { from: subHours(end, 1), to: end };
    case '7d':
      return { from: subDays(end, 7), to: end };
    case '30d':
      return { from: subDays(end, 30), to: end };
    case 'month':
      return { from: new Date(startOfMonth(inMonthZone).getTime()), to: end };
    case 'last-month':
      return { from: new Date(startOfMonth(subMonths(inMonthZone, 1)).getTime()), to: new Date(startOfMonth(inMonthZone).getTime()) };
    case 'custom': {
      const from = view.from ? new Date(view.from) : subDays(end, 1);
      const to = view.to ? new Date(view.to) : end;
      return { from, to };
    }
    default:
      return { from: subHours(end, 24), to: end };
  }
}

const MAX_RANGE_MS = 400 * 86_400_000;

/** What is wrong with a view's custom range, as one sentence in the user's words; null when nothing is. */
export function rangeProblem(view: ViewFilters, now = new Date()): string | null {
  if (view.range !== 'custom') return null;
  if (view.from && isNaN(Date.parse(view.from))) return 'From is not a date and time.';
  if (view.to && isNaN(Date.parse(view.to))) return 'To is not a date and time.';
  const { from, to } = resolveRange(view, now);
  if (from.getTime() >= to.getTime()) return 'From must be before To.';
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) return 'A range can be 400 days at most.';
  return null;
}

/** The API's parameter names in the user's words, for its error messages. */
const PARAMETER_WORDS: Record<string, string> = {
  ...LIST_FILTER_LABELS, from: 'From', to: 'To', tz: 'Time zone', status: 'Status', q: 'Search', stream: 'Stream', sort: 'Sort',
  minDurationMs: 'Minimum duration', minTtftMs: 'Minimum first byte', minCostUsd: 'Minimum cost', groupBy: 'Grouping', cursor: 'Page', limit: 'Page size',
};

/** A 400's issues as one line naming each input as the page does ("Serving path: …"), each problem once. */
export function describeIssues(issues: readonly { path: string; message: string }[]): string {
  const words = (path: string) => PARAMETER_WORDS[path.split('.')[0]!] ?? path;
  return [...new Set(issues.map((i) => (i.path ? `${words(i.path)}: ${i.message}` : i.message)))].join('; ');
}

/** The API query string for a view: resolved range, the viewer's time zone, the list filters. */
export function apiQuery(view: ViewFilters, timeZone: string, now = new Date(), monthZone = 'UTC'): URLSearchParams {
  const params = new URLSearchParams();
  if (view.range === 'custom' && ((view.from && isNaN(Date.parse(view.from))) || (view.to && isNaN(Date.parse(view.to))))) {
    // pass the user's text through so the API's validation message explains it
    params.set('from', view.from ?? '');
    params.set('to', view.to ?? '');
  } else {
    const { from, to } = resolveRange(view, now, monthZone);
    params.set('from', from.toISOString());
    params.set('to', to.toISOString());
  }
  params.set('tz', timeZone);
  for (const key of LIST_FILTERS) for (const v of view.lists[key]) params.append(key, v);
  return params;
}
