'use client';

import { useQuery } from '@tanstack/react-query';
import { apiQuery } from './view-filters';
import { useViewFilters, viewerTimeZone } from './use-view-filters';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new ApiError(res.status, body.error ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

/** One dashboard question for the URL's filters; the query key is the endpoint plus those filters. */
export function useAnalytics<T>(endpoint: string, extra: Record<string, string> = {}) {
  const { view } = useViewFilters();
  const params = apiQuery(view, viewerTimeZone());
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const queryString = params.toString();
  return useQuery({
    queryKey: [endpoint, queryString],
    queryFn: () => fetchJson<T>(`/api/v1/${endpoint}?${queryString}`),
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
}
