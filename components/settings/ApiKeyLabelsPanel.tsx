'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { ApiKeyLabelRow } from '@/lib/settings/api-key-labels';
import { fetchJson } from '@/lib/client/use-analytics';
import { sendJson } from '@/lib/client/send-json';
import { formatCount, formatTime } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

function LabelRow({ row }: { row: ApiKeyLabelRow }) {
  const client = useQueryClient();
  const [label, setLabel] = useState(row.label ?? '');
  const [team, setTeam] = useState(row.team ?? '');
  const save = useMutation({
    mutationFn: () => sendJson('PUT', '/api/v1/settings/api-keys', { apiKey: row.apiKey, label, team }),
    // labels show in the filter bar and in every breakdown
    onSuccess: () => client.invalidateQueries(),
  });
  const dirty = label !== (row.label ?? '') || team !== (row.team ?? '');
  // leaving the page with an edit not saved asks first (the browser's own question)
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  const saveOnEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && dirty && !save.isPending) save.mutate();
  };
  return (
    <tr>
      <td><code>{row.apiKey}</code></td>
      <td><input aria-label={`Label for ${row.apiKey}`} value={label} maxLength={80} placeholder="e.g. Search prod" onChange={(e) => setLabel(e.target.value)} onKeyDown={saveOnEnter} /></td>
      <td><input aria-label={`Team for ${row.apiKey}`} value={team} maxLength={80} placeholder="optional" onChange={(e) => setTeam(e.target.value)} onKeyDown={saveOnEnter} /></td>
      <td className="num">{formatCount(row.requests)}</td>
      <td>{row.lastSeenHour === null ? <span className="muted">never</span> : formatTime(row.lastSeenHour, 'hour')}</td>
      <td>
        <button type="button" disabled={!dirty || save.isPending} onClick={() => save.mutate()} aria-label={`Save label for ${row.apiKey}`}>
          Save
        </button>{' '}
        {save.isError ? <span className="error small" role="alert">{save.error.message}</span> : null}
        {save.isSuccess && !dirty ? <span className="muted small" role="status">Saved</span> : null}
      </td>
    </tr>
  );
}

/** Names for key fingerprints, so people recognise their keys in filters and breakdowns. */
export function ApiKeyLabelsPanel() {
  const query = useQuery({ queryKey: ['settings', 'api-keys'], queryFn: () => fetchJson<{ apiKeys: ApiKeyLabelRow[] }>('/api/v1/settings/api-keys') });
  return (
    <Panel
      title="API-key labels"
      note="Meter never stores API keys, only a fingerprint (8 hex characters of the key's SHA-256 and its last 4 characters). Give each a name; an empty label removes it."
      wide
    >
      <QueryState query={query} isEmpty={(d) => d.apiKeys.length === 0} empty="No API keys seen yet.">
        {(data) => (
          <div className="table-scroll" tabIndex={0}>
            <div className="table-scroll" tabIndex={0}>
              <table className="data settings-table">
                <thead>
                  <tr>
                    <th>Fingerprint</th>
                    <th>Label</th>
                    <th>Team</th>
                    <th className="num">Requests</th>
                    <th>Last used (hour)</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.apiKeys.map((row) => (
                    <LabelRow key={row.apiKey} row={row} />
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
