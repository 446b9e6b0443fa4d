'use client';

import { useQuery } from '@tanstack/react-query';
import { fetchJson } from './use-analytics';

/** The billing time zone from Settings (UTC until it has loaded, which is also the default). */
export function useBillingZone(): string {
  const query = useQuery({ queryKey: ['settings', 'billing'], queryFn: () => fetchJson<{ timeZone: string }>('/api/v1/settings/billing'), staleTime: 5 * 60_000 });
  return query.data?.timeZone ?? 'UTC';
}
