'use client';

import type { SpotEffectiveDiscount } from '@/lib/analytics/spot-effective-discount';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatPercent, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

/** What Spot saved once the Standard retries of its refusals are paid for, beside what its price alone promises. */
export function SpotDiscountPanel() {
  const query = useAnalytics<SpotEffectiveDiscount>('spot/effective-discount');
  return (
    <Panel
      title="Spot: effective discount"
      note={
        query.data
          ? `Spot spend plus the Standard calls that retried a Spot 503 or 429 (same session, key and model, within ${query.data.retryWindowMinutes} minutes), against the same work on Standard.`
          : undefined
      }
    >
      <QueryState query={query} isEmpty={(d) => d.spotCalls === 0} empty="No Spot calls in this range.">
        {(d) => (
          <dl className="detail-list" data-testid="spot-discount">
            <div><dt>Effective discount</dt><dd data-testid="spot-effective">{formatPercent(d.effectiveDiscount)}</dd></div>
            <div><dt>Listed discount</dt><dd>{formatPercent(d.listedDiscount)}</dd></div>
            <div><dt>Spot calls (refused)</dt><dd>{formatCount(d.spotCalls)} ({formatCount(d.refusedSpotCalls)})</dd></div>
            <div><dt>Retries on Standard</dt><dd>{formatCount(d.retriesOnStandard)}</dd></div>
            <div><dt>Spot spend + retries</dt><dd>{formatUsdExact(d.spotSpendUsd)} + {formatUsdExact(d.retrySpendUsd)}</dd></div>
            <div><dt>Same work on Standard</dt><dd>{formatUsdExact(d.standardEquivalentUsd)}</dd></div>
          </dl>
        )}
      </QueryState>
    </Panel>
  );
}
