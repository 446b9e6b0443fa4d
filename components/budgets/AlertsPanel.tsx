'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { InboxEntry } from '@/lib/budgets/outbox';
import { eventSentence } from '@/lib/budgets/payload';
import { sendJson } from '@/lib/client/send-json';
import { fetchJson } from '@/lib/client/use-analytics';
import { formatDateTime } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const TYPES = ['budget.threshold', 'budget.exceeded', 'budget.forecast'];

/** Recent alerts, what they said and whether each channel got them. */
export function AlertsPanel({ admin }: { admin: boolean }) {
  const client = useQueryClient();
  const [type, setType] = useState('');
  const query = useQuery({
    queryKey: ['alerts', type],
    queryFn: () => fetchJson<{ alerts: InboxEntry[] }>(`/api/v1/alerts?${new URLSearchParams(type ? { type } : {})}`),
    refetchInterval: 5000,
  });
  const ack = useMutation({
    mutationFn: (id: string) => sendJson('POST', '/api/v1/alerts/acknowledge', { id }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['alerts'] }),
  });
  return (
    <Panel title="Alerts" note="Each threshold alerts once per budget per period; deliveries are retried with backoff until the receiver accepts them." wide>
      <label className="inline-field">
        Type
        <select value={type} onChange={(e) => setType(e.target.value)} aria-label="Alert type">
          <option value="">All</option>
          {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
        </select>
      </label>
      <QueryState query={query} isEmpty={(d) => d.alerts.length === 0} empty="No alerts.">
        {(data) => (
          <ul className="alerts" data-testid="alerts">
            {data.alerts.map((a) => (
              <li key={a.id} className={a.acknowledged ? 'muted' : undefined}>
                <span className="small">{formatDateTime(Date.parse(a.at))}</span> <code>{a.type}</code> {eventSentence(a.body)}{' '}
                <span className="muted small">
                  {a.deliveries.length
                    ? a.deliveries.map((d) => `${d.channel.type}: ${d.delivered ? 'delivered' : d.nextAttemptAt ? `retrying (${d.attempts} tries)` : `failed (${d.lastError ?? ''})`}`).join(' · ')
                    : 'no channel'}
                </span>{' '}
                {admin && !a.acknowledged ? <button type="button" onClick={() => ack.mutate(a.id)}>Acknowledge</button> : null}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}
