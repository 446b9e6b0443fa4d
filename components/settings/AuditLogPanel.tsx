'use client';

import { useQuery } from '@tanstack/react-query';
import { AUDITED_CHANGES, type AuditEntry } from '@/lib/audit/changes';
import { fetchJson } from '@/lib/client/use-analytics';
import { formatDateTime } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const brief = (value: unknown) => (value === null || value === undefined ? '—' : JSON.stringify(value));

/** Every change to prices, labels, history and sessions: when, by whom, before and after. */
export function AuditLogPanel() {
  const query = useQuery({ queryKey: ['settings', 'audit'], queryFn: () => fetchJson<{ entries: AuditEntry[] }>('/api/v1/settings/audit') });
  return (
    <Panel title="Audit log" note="The newest 100 changes. Changes made with a bearer token show no session." wide>
      <QueryState query={query} isEmpty={(d) => d.entries.length === 0} empty="No changes yet.">
        {(data) => (
          <div className="table-scroll" tabIndex={0}>
            <div className="table-scroll" tabIndex={0}>
              <table className="data settings-table">
                <thead>
                  <tr><th>When</th><th>Who</th><th>Change</th><th>Of</th><th>Before</th><th>After</th></tr>
                </thead>
                <tbody>
                  {data.entries.map((e) => (
                    <tr key={e.id}>
                      <td>{formatDateTime(e.at)}</td>
                      <td>{e.role}{e.sessionId ? <span className="muted small"> session {e.sessionId}</span> : <span className="muted small"> token</span>}</td>
                      <td>{AUDITED_CHANGES[e.action as keyof typeof AUDITED_CHANGES] ?? e.action}</td>
                      <td><code>{e.target ?? '—'}</code></td>
                      <td className="small"><code>{brief(e.before)}</code></td>
                      <td className="small"><code>{brief(e.after)}</code></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}
