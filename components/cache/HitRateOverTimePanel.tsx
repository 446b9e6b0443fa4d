'use client';

import type { CacheHitRateOverTime } from '@/lib/analytics/cache-hit-rate-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { CacheHitRateChart } from '../charts/CacheHitRateChart';
import { CachedTokensChart } from '../charts/CachedTokensChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

export function HitRateOverTimePanel() {
  const query = useAnalytics<CacheHitRateOverTime>('cache/over-time');
  return (
    <Panel
      title="Hit rate over time"
      note="Token-weighted = cached ÷ prompt tokens, what the bill follows. The per-request mean counts a 50-token prompt as much as a 50,000-token one, so read it only beside the other."
      wide
    >
      <QueryState query={query} isEmpty={(d) => d.points.every((p) => p.promptTokens === 0)}>
        {(data) => (
          <>
            <CacheHitRateChart data={data} />
            <CachedTokensChart data={data} />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
