'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './use-analytics';

/** The billing time zone from Settings; undefined until it has loaded (pages that count in it wait for it). */
export function useBillingZone(): string | undefined {
  const query = useQuery({ queryKey: ['settings', 'billing'], queryFn: () => fetchJson<{ timeZone: string }>('/api/v1/settings/billing'), staleTime: 5 * 60_000 });
  return query.data?.timeZone;
}
