import type { ReactNode } from 'react';
import { InputProblem } from '@/lib/client/use-analytics';

interface Props<T> {
  query: { data: T | undefined; error: Error | null; isPending: boolean };
  isEmpty?: (data: T) => boolean;
  empty?: string;
  children: (data: T) => ReactNode;
}

/**
 * Loading, error and empty states in one place, so every panel behaves alike. A refresh that fails
 * (the server away for a moment) keeps the figures already shown, under a line that says so.
 */
export function QueryState<T>({ query, isEmpty, empty = 'No calls in this range.', children }: Props<T>) {
  if (query.error instanceof InputProblem) return <p className="state muted">Waiting for a valid date range (see the filter bar).</p>;
  if (query.error && query.data === undefined) return <p className="state error" role="status">Could not load: {query.error.message}</p>;
  if (query.isPending || query.data === undefined) return <p className="state muted" aria-busy="true">Loading…</p>;
  const stale = query.error ? <p className="state-banner error small" role="status">Could not refresh: {query.error.message} These are the last figures loaded.</p> : null;
  if (isEmpty?.(query.data)) return <>{stale}<p className="state muted">{empty}</p></>;
  return <>{stale}{children(query.data)}</>;
}
