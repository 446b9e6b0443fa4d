'use client';

import type { OverviewTotals } from '@/lib/analytics/overview';
import type { UsageTotals } from '@/lib/analytics/engine/totals';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatPercent, formatTokens, formatUsd } from '../format';
import { QueryState } from '../QueryState';
import { StatCard } from '../StatCard';

/** Priced calls among those with usage: calls without usage have nothing to price and do not count. */
function pricingCoverage(t: UsageTotals): number | null {
  const withUsage = t.requests - t.usageUnknownRequests;
  return withUsage > 0 ? (withUsage - t.unpricedRequests) / withUsage : null;
}

/** The team lead's answers at a glance, each against the previous period. */
export function HeadlineStats() {
  const query = useAnalytics<OverviewTotals>('overview');
  return (
    <QueryState query={query}>
      {({ current: c, previous: p }) => (
        <div className="stats">
          <StatCard testId="stat-spend" label="Spend" value={formatUsd(c.spendMicros)} current={c.spendMicros} previous={p.spendMicros} formatAbsolute={formatUsd} />
          <StatCard testId="stat-requests" label="Requests" value={formatCount(c.requests)} current={c.requests} previous={p.requests} formatAbsolute={formatCount} />
          <StatCard label="Tokens (prompt / completion)" value={`${formatTokens(c.promptTokens)} / ${formatTokens(c.completionTokens)}`} current={c.promptTokens + c.completionTokens} previous={p.promptTokens + p.completionTokens} />
          <StatCard testId="stat-hit-rate" label="Cache hit rate (token-weighted)" value={formatPercent(c.hitRate)} current={c.hitRate} previous={p.hitRate} riseIs="good" compare="points" />
          <StatCard testId="stat-savings" label="Cache savings" value={formatUsd(c.cacheSavingsMicros)} current={c.cacheSavingsMicros} previous={p.cacheSavingsMicros} riseIs="good" formatAbsolute={formatUsd} />
          <StatCard testId="stat-premium" label="Priority + Fast premium over Standard" value={formatUsd(c.premiumMicros)} current={c.premiumMicros} previous={p.premiumMicros} riseIs="bad" formatAbsolute={formatUsd} />
          <StatCard testId="stat-unpriced" label="Unpriced (pricing coverage)" value={`${formatCount(c.unpricedRequests)} (${formatPercent(pricingCoverage(c))})`} current={c.unpricedRequests} previous={p.unpricedRequests} riseIs="bad" />
          <StatCard testId="stat-usage-unknown" label="Usage unknown (hang-ups, errors)" value={formatCount(c.usageUnknownRequests)} current={c.usageUnknownRequests} previous={p.usageUnknownRequests} riseIs="bad" />
          <StatCard label="Errors (429 / 503 / 402)" value={`${formatCount(c.errors)} (${formatCount(c.rateLimited)} / ${formatCount(c.overloaded)} / ${formatCount(c.paymentRequired)})`} current={c.errors} previous={p.errors} riseIs="bad" />
        </div>
      )}
    </QueryState>
  );
}
