'use client';

import type { SpendByTag } from '@/lib/analytics/spend-by-tag';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useTableSort } from '@/lib/client/use-table-sort';
import { formatTag } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { SPEND_SORT, SpendCells, SpendHeaders } from '../SpendCells';

const Tag = ({ value }: { value: string }) => (value ? <>{value}</> : <span className="muted">{formatTag(value)}</span>);

type Row = SpendByTag['rows'][number];
const COLUMNS = { team: (r: Row) => r.team, project: (r: Row) => r.project, environment: (r: Row) => r.environment, ...SPEND_SORT };

function TagTable({ rows }: { rows: Row[] }) {
  const { sorted, header } = useTableSort('spend-by-tag', rows, COLUMNS);
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data compact" data-testid="spend-by-tag">
        <thead>
          <tr>{header('team', 'Team')}{header('project', 'Project')}{header('environment', 'Environment')}<SpendHeaders header={header} /></tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={`${r.team}|${r.project}|${r.environment}`}>
              <td><Tag value={r.team} /></td>
              <td><Tag value={r.project} /></td>
              <td><Tag value={r.environment} /></td>
              <SpendCells totals={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SpendByTagPanel() {
  const query = useAnalytics<SpendByTag>('spend/by-tag');
  return (
    <Panel title="Spend by tag" note={<>From the <code>Fireworks-Annotations</code> header (team, project, environment).</>}>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => <TagTable rows={rows} />}
      </QueryState>
    </Panel>
  );
}
