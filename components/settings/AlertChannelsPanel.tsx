'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { BudgetChannel } from '@/lib/budgets/budget-schema';
import { sendJson } from '@/lib/client/send-json';
import { fetchJson } from '@/lib/client/use-analytics';
import { Panel } from '../Panel';

const KINDS = [
  { type: 'webhook', label: 'Webhook URLs', field: 'url' },
  { type: 'slack', label: 'Slack incoming-webhook URLs', field: 'url' },
  { type: 'email', label: 'Email addresses', field: 'to' },
] as const;
type Lists = Record<(typeof KINDS)[number]['type'], string>;

const toLists = (channels: BudgetChannel[]): Lists =>
  Object.fromEntries(KINDS.map((k) => [k.type, channels.filter((c) => c.type === k.type).map((c) => (c.type === 'email' ? c.to : c.url)).join(', ')])) as Lists;
const toChannels = (lists: Lists) =>
  KINDS.flatMap((k) => lists[k.type].split(',').map((v) => v.trim()).filter(Boolean).map((v) => ({ type: k.type, [k.field]: v })));

/** Where budgets that name no channel of their own send their alerts. */
export function AlertChannelsPanel() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['settings', 'alert-channels'], queryFn: () => fetchJson<{ channels: BudgetChannel[] }>('/api/v1/settings/alert-channels') });
  const [lists, setLists] = useState<Lists>({ webhook: '', slack: '', email: '' });
  useEffect(() => {
    if (query.data) setLists(toLists(query.data.channels));
  }, [query.data]);
  const save = useMutation({
    mutationFn: (channels: unknown[]) => sendJson('PUT', '/api/v1/settings/alert-channels', { channels }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settings', 'alert-channels'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(toChannels(lists));
  };
  return (
    <Panel title="Default alert channels" note="Budgets without channels of their own alert here. Separate several with commas.">
      <form className="settings-form" onSubmit={submit} aria-label="Default alert channels">
        <fieldset>
          <legend>Channels</legend>
          {KINDS.map((k) => (
            <label key={k.type}>
              {k.label}
              <input value={lists[k.type]} onChange={(e) => setLists((l) => ({ ...l, [k.type]: e.target.value }))} />
            </label>
          ))}
          <button type="submit" disabled={save.isPending}>Save channels</button>
        </fieldset>
        {save.isError ? <p className="error small form-message" role="alert">{save.error.message}</p> : null}
        {save.isSuccess ? <p className="muted small form-message" role="status">Saved.</p> : null}
      </form>
    </Panel>
  );
}
