'use client';

import type { GroupedSpendOverTime } from '@/lib/analytics/spend-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { SeriesGroupSelect, useSeriesGroup } from '../charts/series-groups';
import { SpendOverTimeChart } from '../charts/SpendOverTimeChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

/** Spend over time, stacked by serving path, team, model, key or endpoint (kept in the URL as `spendBy`). */
export function SpendOverTimePanel() {
  const groupBy = useSeriesGroup('spendBy', 'servingPath');
  const query = useAnalytics<GroupedSpendOverTime>('spend/over-time', { groupBy });
  return (
    <Panel title="Spend over time" note="Stacked spend per time bucket; hover for exact amounts." wide>
      <SeriesGroupSelect label="Stack spend by" param="spendBy" value={groupBy} fallback="servingPath" />
      <QueryState query={query} isEmpty={(d) => d.points.length === 0}>
        {(data) => <SpendOverTimeChart data={data} />}
      </QueryState>
    </Panel>
  );
}
