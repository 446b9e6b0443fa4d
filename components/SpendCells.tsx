import type { UsageTotals } from '@/lib/analytics/totals';
import { formatCount, formatSpend, formatUsd, formatUsdExact } from './format';

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
