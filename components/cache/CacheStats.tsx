'use client';

import type { OverviewTotals } from '@/lib/analytics/overview';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatPercent, formatTokens, formatUsd } from '../format';
import { QueryState } from '../QueryState';
import { StatCard } from '../StatCard';

/** The range's prompt-cache figures; the token-weighted rate first because it is the one that moves the bill. */
export function CacheStats() {
  const query = useAnalytics<OverviewTotals>('overview');
  return (
    <QueryState query={query}>
      {({ current: c, previous: p }) => (
        <div className="stats">
          <StatCard testId="cache-hit-rate" label="Hit rate (token-weighted)" value={formatPercent(c.hitRate)} current={c.hitRate} previous={p.hitRate} riseIs="good" compare="points" />
          <StatCard testId="cache-per-request" label="Hit rate (per-request mean)" value={formatPercent(c.perRequestHitRate)} current={c.perRequestHitRate} previous={p.perRequestHitRate} riseIs="good" compare="points" />
          <StatCard testId="cache-tokens" label="Cached / prompt tokens" value={`${formatTokens(c.cachedTokens)} / ${formatTokens(c.promptTokens)}`} current={c.cachedTokens} previous={p.cachedTokens} riseIs="good" />
          <StatCard testId="cache-savings" label="Cache savings" value={formatUsd(c.cacheSavingsMicros)} current={c.cacheSavingsMicros} previous={p.cacheSavingsMicros} riseIs="good" formatAbsolute={formatUsd} />
          <StatCard testId="cache-mismatch" label="Calls whose cached-token counts disagree" value={formatCount(c.cachedMismatch)} current={c.cachedMismatch} previous={p.cachedMismatch} riseIs="bad" />
        </div>
      )}
    </QueryState>
  );
}
