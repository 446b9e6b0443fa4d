'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { readViewFilters, type ViewFilters } from './view-filters';

/** The page's filters, kept in the URL so a view can be shared or bookmarked. */
export function useViewFilters(): { view: ViewFilters; params: URLSearchParams; update: (change: (p: URLSearchParams) => void) => void } {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = useMemo(() => new URLSearchParams(search.toString()), [search]);
  const view = useMemo(() => readViewFilters(params), [params]);
  const update = useCallback(
    (change: (p: URLSearchParams) => void) => {
      const next = new URLSearchParams(params.toString());
      change(next);
      router.replace(`${pathname}?${next.toString()}`, { scroll: false });
    },
    [params, pathname, router],
  );
  return { view, params, update };
}

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
