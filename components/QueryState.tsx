import type { ReactNode } from 'react';

interface Props<T> {
  query: { data: T | undefined; error: Error | null; isPending: boolean };
  isEmpty?: (data: T) => boolean;
  empty?: string;
  children: (data: T) => ReactNode;
}

/** Loading, error and empty states in one place, so every panel behaves alike. */
export function QueryState<T>({ query, isEmpty, empty = 'No calls in this range.', children }: Props<T>) {
  if (query.error) return <p className="state error" role="status">Could not load: {query.error.message}</p>;
  if (query.isPending || query.data === undefined) return <p className="state muted" aria-busy="true">Loading…</p>;
  if (isEmpty?.(query.data)) return <p className="state muted">{empty}</p>;
  return <>{children(query.data)}</>;
}
