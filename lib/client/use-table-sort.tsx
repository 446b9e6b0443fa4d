'use client';

import type { ReactNode } from 'react';
import { useViewFilters } from './use-view-filters';

/**
 * A table's rows sorted by a column the user picked, kept in the URL (`sort.<table>=<column>.<asc|desc>`)
 * so a shared link and Back keep it. Without a choice, rows keep the API's order.
 */
export function useTableSort<R>(table: string, rows: readonly R[], columns: Record<string, (row: R) => number | string | null>) {
  const { params, update } = useViewFilters();
  const param = `sort.${table}`;
  const [key, dir] = (params.get(param) ?? '').split('.') as [string | undefined, 'asc' | 'desc' | undefined];
  const value = key ? columns[key] : undefined;
  const sorted = value
    ? [...rows].sort((a, b) => {
        const x = value(a);
        const y = value(b);
        const order = x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
        return dir === 'asc' ? order : -order;
      })
    : rows;
  /** A header cell that sorts by its column: first descending (the biggest first), then ascending. */
  const header = (column: string, label: ReactNode, numeric = false) => {
    const active = key === column;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return (
      <th className={numeric ? 'num' : undefined} aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button type="button" className="sort" onClick={() => update((p) => p.set(param, `${column}.${next}`))}>
          {label}
          {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };
  return { sorted, header };
}
