'use client';

import type { SpendOverTime } from '@/lib/analytics/spend-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { SpendOverTimeChart } from '../charts/SpendOverTimeChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

export function SpendOverTimePanel() {
  const query = useAnalytics<SpendOverTime>('spend/over-time');
  return (
    <Panel title="Spend over time by serving path" note="Stacked spend per time bucket; hover for exact amounts." wide>
      <QueryState query={query} isEmpty={(d) => d.points.length === 0}>
        {(data) => <SpendOverTimeChart data={data} />}
      </QueryState>
    </Panel>
  );
}
