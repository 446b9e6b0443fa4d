'use client';

import type { CacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { CacheHitRateChart } from '../charts/CacheHitRateChart';
import { SeriesGroupSelect, useSeriesGroup } from '../charts/series-groups';
import { CachedTokensChart } from '../charts/CachedTokensChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

export function HitRateOverTimePanel() {
  const groupBy = useSeriesGroup('cacheBy', 'none');
  const query = useAnalytics<CacheHitRateOverTime>('cache/over-time', groupBy === 'none' ? {} : { groupBy });
  return (
    <Panel
      title="Hit rate over time"
      note="Token-weighted = cached ÷ prompt tokens, what the bill follows. The per-request mean counts a 50-token prompt as much as a 50,000-token one, so read it only beside the other."
      wide
    >
      <SeriesGroupSelect label="Hit rate lines by" param="cacheBy" value={groupBy} fallback="none" allowNone />
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
