'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchJson } from '@/lib/client/use-analytics';
import { sendJson } from '@/lib/client/send-json';
import { formatDateTime } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

interface SessionRow {
  id: number;
  role: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  clientAddress: string | null;
  userAgent: string | null;
  current: boolean;
}

function RevokeButton({ session }: { session: SessionRow }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => sendJson('DELETE', `/api/v1/sessions/${session.id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settings'] }),
  });
  return (
    <>
      <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate()} aria-label={`Revoke session ${session.id}`}>
        Revoke
      </button>
      {revoke.isError ? <span className="error small" role="alert"> {revoke.error.message}</span> : null}
    </>
  );
}

/** Who is logged in to the dashboard, and a way to end any of those sessions. */
export function SessionsPanel() {
  const query = useQuery({ queryKey: ['settings', 'sessions'], queryFn: () => fetchJson<{ sessions: SessionRow[] }>('/api/v1/sessions') });
  return (
    <Panel title="Sessions" note="Dashboard logins that are still valid. Revoking one logs that browser out at its next request. Scripts using a bearer token have no session." wide>
      <QueryState query={query} isEmpty={(d) => d.sessions.length === 0} empty="No live sessions.">
        {(data) => (
          <div className="table-scroll" tabIndex={0}>
            <table className="data settings-table">
              <thead>
                <tr><th>Role</th><th>Started</th><th>Last seen</th><th>Expires</th><th>From</th><th /></tr>
              </thead>
              <tbody>
                {data.sessions.map((s) => (
                  <tr key={s.id}>
                    <td>{s.role}{s.current ? <span className="muted small"> (this browser)</span> : null}</td>
                    <td>{formatDateTime(s.createdAt)}</td>
                    <td>{formatDateTime(s.lastSeenAt)}</td>
                    <td>{formatDateTime(s.expiresAt)}</td>
                    <td title={s.userAgent ?? undefined}>{s.clientAddress ?? '—'}</td>
                    <td><RevokeButton session={s} /></td>
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
