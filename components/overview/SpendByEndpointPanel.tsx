'use client';

import type { SpendByEndpoint } from '@/lib/analytics/spend-by-endpoint';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useTableSort } from '@/lib/client/use-table-sort';
import { endpointLabel, ENDPOINT_NOT_RECORDED } from '@/lib/usage/endpoints';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { SPEND_SORT, SpendCells, SpendHeaders } from '../SpendCells';

type Row = SpendByEndpoint['rows'][number];
const COLUMNS = { endpoint: (r: Row) => endpointLabel(r.endpoint), ...SPEND_SORT };

function Endpoint({ endpoint }: { endpoint: string }) {
  if (endpoint === ENDPOINT_NOT_RECORDED) {
    return <span className="muted" title="Calls totalled before Meter kept the endpoint per hour, whose raw rows were already dropped">{endpointLabel(endpoint)}</span>;
  }
  const label = endpointLabel(endpoint);
  return label === endpoint ? <>{endpoint}</> : <>{label} <span className="muted small">/{endpoint}</span></>;
}

function EndpointTable({ rows }: { rows: Row[] }) {
  const { sorted, header } = useTableSort('spend-by-endpoint', rows, COLUMNS);
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data compact" data-testid="spend-by-endpoint">
        <thead>
          <tr>{header('endpoint', 'Endpoint')}<SpendHeaders header={header} /></tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.endpoint}>
              <td><Endpoint endpoint={r.endpoint} /></td>
              <SpendCells totals={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SpendByEndpointPanel() {
  const query = useAnalytics<SpendByEndpoint>('spend/by-endpoint');
  return (
    <Panel title="Spend by endpoint" note="The API path each call went to: chat completions, completions, embeddings or Anthropic messages.">
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => <EndpointTable rows={rows} />}
      </QueryState>
    </Panel>
  );
}
