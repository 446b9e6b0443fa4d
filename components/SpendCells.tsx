import type { ReactNode } from 'react';
import type { UsageTotals } from '@/lib/analytics/totals';
import { formatCount, formatSpend, formatUsd, formatUsdExact } from './format';

/** How the closing cells sort (for useTableSort). */
export const SPEND_SORT = {
  requests: (r: UsageTotals) => r.requests,
  spend: (r: UsageTotals) => r.spendMicros,
  savings: (r: UsageTotals) => r.cacheSavingsMicros,
  unpriced: (r: UsageTotals) => r.unpricedRequests,
};

/** The closing cells' headers, each sorting its column. */
export function SpendHeaders({ header }: { header: (column: string, label: ReactNode, numeric?: boolean) => ReactNode }) {
  return (
    <>
      {header('requests', 'Requests', true)}{header('spend', 'Spend', true)}{header('savings', 'Cache savings', true)}{header('unpriced', 'Unpriced', true)}
    </>
  );
}

/** Requests, spend, cache savings and unpriced calls: the closing cells of every spend breakdown row. */
export function SpendCells({ totals: t }: { totals: Pick<UsageTotals, 'requests' | 'spendMicros' | 'spendUsd' | 'cacheSavingsMicros' | 'cacheSavingsUsd' | 'unpricedRequests' | 'usageUnknownRequests'> }) {
  return (
    <>
      <td className="num">{formatCount(t.requests)}</td>
      <td className="num" title={formatUsdExact(t.spendUsd)}>{formatSpend(t)}</td>
      <td className="num" title={formatUsdExact(t.cacheSavingsUsd)}>{formatUsd(t.cacheSavingsMicros)}</td>
      <td className={t.unpricedRequests ? 'num unpriced' : 'num'}>{formatCount(t.unpricedRequests)}</td>
    </>
  );
}
