'use client';

import type { SpendByApiKey } from '@/lib/analytics/spend-by-api-key';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useTableSort } from '@/lib/client/use-table-sort';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { SPEND_SORT, SpendCells, SpendHeaders } from '../SpendCells';

type Row = SpendByApiKey['rows'][number];
const COLUMNS = { key: (r: Row) => r.label ?? r.apiKey, team: (r: Row) => r.team, ...SPEND_SORT };

function KeyTable({ rows }: { rows: Row[] }) {
  const { sorted, header } = useTableSort('spend-by-api-key', rows, COLUMNS);
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data compact" data-testid="spend-by-api-key">
        <thead>
          <tr>{header('key', 'API key')}{header('team', "Key's team")}<SpendHeaders header={header} /></tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.apiKey}>
              <td>{r.label ? <>{r.label} <span className="muted small">{r.apiKey}</span></> : r.apiKey}</td>
              <td>{r.team ?? <span className="muted">—</span>}</td>
              <SpendCells totals={r} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SpendByApiKeyPanel() {
  const query = useAnalytics<SpendByApiKey>('spend/by-api-key');
  return (
    <Panel title="Spend by API key" note="Keys are shown by fingerprint (never the key itself); name them in Settings.">
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => <KeyTable rows={rows} />}
      </QueryState>
    </Panel>
  );
}
