'use client';

import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useRef } from 'react';
import { readViewFilters, type ViewFilters } from './view-filters';

/** Where in a listing the view is (the request log's page); any other change but the open call starts it again. */
const PAGING = ['cursor', 'page'] as const;
const UNLISTED = new Set<string>([...PAGING, 'call']);

function changesWhatIsListed(before: URLSearchParams, after: URLSearchParams): boolean {
  const listed = (p: URLSearchParams) => [...p.entries()].filter(([k]) => !UNLISTED.has(k)).map(([k, v]) => `${k}=${v}`).sort().join('&');
  return PAGING.every((k) => before.get(k) === after.get(k)) && listed(before) !== listed(after);
}

type Update = (change: (p: URLSearchParams) => void, history?: 'push' | 'replace') => void;

/** The page's filters, kept in the URL so a view can be shared or bookmarked; each change is a step Back undoes. */
export function useViewFilters(): { view: ViewFilters; params: URLSearchParams; update: Update } {
  const search = useSearchParams();
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
      if (changesWhatIsListed(latest.current, next)) for (const key of PAGING) next.delete(key);
      latest.current = next;
      // the browser's own history API, which Next.js's router follows: no request to the server, so
      // a filter change works (and shows the panels' state) even while Meter is away
      window.history[history === 'push' ? 'pushState' : 'replaceState'](null, '', `${pathname}?${next.toString()}`);
    },
    [pathname],
  );
  return { view, params, update };
}

export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
