'use client';

import type { SpendByApiKey } from '@/lib/analytics/spend-by-api-key';
import { useAnalytics } from '@/lib/client/use-analytics';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { SpendCells } from '../SpendCells';

export function SpendByApiKeyPanel() {
  const query = useAnalytics<SpendByApiKey>('spend/by-api-key');
  return (
    <Panel title="Spend by API key" note="Keys are shown by fingerprint (never the key itself); name them in Settings.">
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => (
          <div className="table-scroll">
            <table className="data compact" data-testid="spend-by-api-key">
              <thead>
                <tr>
                  <th>API key</th><th>Team</th><th className="num">Requests</th><th className="num">Spend</th>
                  <th className="num">Cache savings</th><th className="num">Unpriced</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.apiKey}>
                    <td>{r.label ? <>{r.label} <span className="muted small">{r.apiKey}</span></> : r.apiKey}</td>
                    <td>{r.team ?? <span className="muted">—</span>}</td>
                    <SpendCells totals={r} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}
