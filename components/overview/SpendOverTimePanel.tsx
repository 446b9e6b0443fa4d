'use client';

import { SPEND_GROUPS, type GroupedSpendOverTime, type SpendGroup } from '@/lib/analytics/spend-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { SpendOverTimeChart } from '../charts/SpendOverTimeChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const GROUP_LABELS: Record<SpendGroup, string> = { servingPath: 'serving path', team: 'team', model: 'model', apiKey: 'API key' };

/** Spend over time, stacked by serving path, team, model or key (kept in the URL as `spendBy`). */
export function SpendOverTimePanel() {
  const { params, update } = useViewFilters();
  const chosen = params.get('spendBy');
  const groupBy: SpendGroup = chosen && chosen in SPEND_GROUPS ? (chosen as SpendGroup) : 'servingPath';
  const query = useAnalytics<GroupedSpendOverTime>('spend/over-time', { groupBy });
  return (
    <Panel title="Spend over time" note="Stacked spend per time bucket; hover for exact amounts." wide>
      <label className="inline-field">
        Stack by
        <select aria-label="Stack spend by" value={groupBy} onChange={(e) => update((p) => (e.target.value === 'servingPath' ? p.delete('spendBy') : p.set('spendBy', e.target.value)))}>
          {(Object.keys(GROUP_LABELS) as SpendGroup[]).map((g) => <option key={g} value={g}>{GROUP_LABELS[g]}</option>)}
        </select>
      </label>
      <QueryState query={query} isEmpty={(d) => d.points.length === 0}>
        {(data) => <SpendOverTimeChart data={data} />}
      </QueryState>
    </Panel>
  );
}
