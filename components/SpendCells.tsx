import type { ReactNode } from 'react';
import type { UsageTotals } from '@/lib/analytics/engine/totals';
import { formatCount, formatSpend, formatUsd, formatUsdAxis, formatUsdExact } from './format';
import { describeChange } from './StatCard';

/** How the closing cells sort (for useTableSort). */
export const SPEND_SORT = {
  requests: (r: UsageTotals) => r.requests,
  spend: (r: UsageTotals) => r.spendMicros,
  per1k: (r: UsageTotals) => perThousandCalls(r),
  change: (r: UsageTotals & { previousSpendMicros: number }) => r.spendMicros - r.previousSpendMicros,
  premium: (r: UsageTotals) => r.premiumMicros,
  savings: (r: UsageTotals) => r.cacheSavingsMicros,
  unpriced: (r: UsageTotals) => r.unpricedRequests,
};

/** The closing cells' headers, each sorting its column. */
export function SpendHeaders({ header }: { header: (column: string, label: ReactNode, numeric?: boolean) => ReactNode }) {
  return (
    <>
      {header('requests', 'Requests', true)}{header('spend', 'Spend', true)}{header('change', 'vs previous period', true)}{header('per1k', 'Per 1k calls', true)}{header('premium', 'Premium over Standard', true)}
      {header('savings', 'Cache savings', true)}{header('unpriced', 'Unpriced', true)}
    </>
  );
}

/** Spend per 1,000 calls, over the calls that were priced (micro-dollars); null without any. */
export function perThousandCalls(t: Pick<UsageTotals, 'requests' | 'unpricedRequests' | 'usageUnknownRequests' | 'spendMicros'>): number | null {
  const priced = t.requests - t.unpricedRequests - t.usageUnknownRequests;
  return priced > 0 ? (t.spendMicros * 1000) / priced : null;
}

type Shown = Pick<UsageTotals, 'requests' | 'spendMicros' | 'spendUsd' | 'premiumMicros' | 'premiumUsd' | 'cacheSavingsMicros' | 'cacheSavingsUsd' | 'unpricedRequests' | 'usageUnknownRequests'> & {
  previousSpendMicros: number;
};

/** Requests, spend, spend per 1k calls, the premium over Standard, cache savings and unpriced calls: the closing cells of every spend breakdown row. */
export function SpendCells({ totals: t }: { totals: Shown }) {
  const per1k = perThousandCalls(t);
  return (
    <>
      <td className="num">{formatCount(t.requests)}</td>
      <td className="num" title={formatUsdExact(t.spendUsd)}>{formatSpend(t)}</td>
      <td className="num" title={`previous period ${formatUsd(t.previousSpendMicros)}`}>{describeChange(t.spendMicros, t.previousSpendMicros, 'relative', formatUsd)}</td>
      <td className="num" title="over the priced calls">{per1k === null ? '—' : formatUsdAxis(per1k)}</td>
      <td className="num" title={formatUsdExact(t.premiumUsd)}>{t.premiumMicros ? formatUsd(t.premiumMicros) : '—'}</td>
      <td className="num" title={formatUsdExact(t.cacheSavingsUsd)}>{formatUsd(t.cacheSavingsMicros)}</td>
      <td className={t.unpricedRequests ? 'num unpriced' : 'num'}>{formatCount(t.unpricedRequests)}</td>
    </>
  );
}
