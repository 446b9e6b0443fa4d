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
