'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useRef } from 'react';
import { readViewFilters, type ViewFilters } from './view-filters';

type Update = (change: (p: URLSearchParams) => void, history?: 'push' | 'replace') => void;

/** The page's filters, kept in the URL so a view can be shared or bookmarked; each change is a step Back undoes. */
export function useViewFilters(): { view: ViewFilters; params: URLSearchParams; update: Update } {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = useMemo(() => new URLSearchParams(search.toString()), [search]);
  const view = useMemo(() => readViewFilters(params), [params]);
  // Two changes before the next render (say, clear a filter then search) must build on each other,
  // not both on the URL of the last render.
  const latest = useRef(params);
  latest.current = params;
  const update = useCallback<Update>(
    (change, history = 'push') => {
      const next = new URLSearchParams(latest.current.toString());
      change(next);
      latest.current = next;
      router[history](`${pathname}?${next.toString()}`, { scroll: false });
    },
    [pathname, router],
  );
  return { view, params, update };
}

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
