'use client';

import { useQuery } from '@tanstack/react-query';
import { useRef } from 'react';
import { useBillingZone } from './use-billing-zone';
import { LIVE_INTERVAL_MS, useLive } from './live-updates';
import { apiQuery, describeIssues, rangeProblem } from './view-filters';
import { useViewFilters, viewerTimeZone } from './use-view-filters';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all (Meter stopped, the network down): said in words, and retried like a 5xx. */
export const UNREACHABLE = 'Meter did not answer; is it running?';

/** A view the page itself can tell is not a question (a custom range that ends before it starts): not sent. */
export class InputProblem extends Error {}

export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } }).catch(() => {
    throw new ApiError(0, UNREACHABLE);
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string; issues?: { path: string; message: string }[] };
    throw new ApiError(res.status, body.issues?.length ? describeIssues(body.issues) : (body.error ?? `${res.status} ${res.statusText}`));
  }
  return (await res.json()) as T;
}

/** One dashboard question for the URL's filters; the query key is the endpoint plus those filters. */
export function useAnalytics<T>(endpoint: string, extra: Record<string, string> = {}) {
  const { view } = useViewFilters();
  const params = apiQuery(view, viewerTimeZone(), undefined, useBillingZone() ?? 'UTC');
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const queryString = params.toString();
  const { live } = useLive(); // its tick re-renders this hook, so relative ranges move on
  // said once, at the range's inputs (the filter bar): the panels only wait for a range they can ask about
  const problem = rangeProblem(view);
  const query = useQuery({
    queryKey: [endpoint, queryString],
    enabled: !problem,
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
    placeholderData: (previous) => previous, // a range that moved on keeps the figures shown until the new ones arrive
    queryFn: () => fetchJson<T>(`/api/v1/${endpoint}?${queryString}`),
    retry: (count, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
  });
  // With the server away (no answer, or a 5xx) the panel keeps the last figures it had, and
  // QueryState says they are not fresh; a refused query (4xx) shows its reason instead.
  const last = useRef<T | undefined>(undefined);
  if (query.data !== undefined && !query.isPlaceholderData) last.current = query.data;
  if (problem) return { ...query, data: undefined, error: new InputProblem(problem) };
  const away = query.error instanceof ApiError && (query.error.status === 0 || query.error.status >= 500);
  return away && query.data === undefined ? { ...query, data: last.current } : query;
}
