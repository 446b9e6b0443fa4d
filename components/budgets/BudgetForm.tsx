'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { BudgetView } from '@/lib/budgets/budget-view';
import { sendJson } from '@/lib/client/send-json';
import { SERVING_PATH_LIST } from '@/lib/pricing/serving-paths';

const EMPTY = { name: '', amountUsd: '', period: 'month', timeZone: 'UTC', action: 'alert', thresholds: '50, 80, 100', team: '', apiKey: '', model: '', servingPath: '', webhook: '', email: '' };
type Fields = typeof EMPTY;

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The API body from the form: empty scope fields are left out (any value), thresholds are percents here. */
function toBody(f: Fields) {
  const scope = Object.fromEntries((['team', 'apiKey', 'model', 'servingPath'] as const).filter((k) => list(f[k]).length).map((k) => [k, list(f[k])]));
  const channels = [...list(f.webhook).map((url) => ({ type: url.includes('hooks.slack.com') ? 'slack' : 'webhook', url })), ...list(f.email).map((to) => ({ type: 'email', to }))];
  return {
    name: f.name, amountUsd: f.amountUsd, period: f.period, timeZone: f.timeZone, action: f.action, scope, channels,
    thresholds: list(f.thresholds).map((t) => Number(t) / 100),
  };
}

/** Creates a budget; the API's message is shown as is when it refuses one. */
export function BudgetForm() {
  const client = useQueryClient();
  const [fields, setFields] = useState<Fields>({ ...EMPTY, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
  const add = useMutation({
    mutationFn: (body: ReturnType<typeof toBody>) => sendJson<{ budget: BudgetView }>('POST', '/api/v1/budgets', body),
    onSuccess: () => {
      setFields((f) => ({ ...EMPTY, timeZone: f.timeZone }));
      // a budget created past a threshold alerts at once
      return Promise.all([client.invalidateQueries({ queryKey: ['budgets'] }), client.invalidateQueries({ queryKey: ['alerts'] })]);
    },
  });
  const set = (key: keyof Fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(toBody(fields));
  };
  return (
    <form className="settings-form" onSubmit={submit} aria-label="New budget">
      <fieldset>
        <legend>New budget</legend>
        <label>Name<input required value={fields.name} onChange={set('name')} placeholder="Search team, monthly" /></label>
        <label>Amount (USD)<input required inputMode="decimal" value={fields.amountUsd} onChange={set('amountUsd')} placeholder="500" /></label>
        <label>
          Per
          <select value={fields.period} onChange={set('period')}>
            {['day', 'week', 'month'].map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        <label>Time zone<input value={fields.timeZone} onChange={set('timeZone')} /></label>
        <label>
          When used up
          <select value={fields.action} onChange={set('action')}>
            <option value="alert">alert only</option>
            <option value="block">block calls (402)</option>
          </select>
        </label>
        <label>Alert at (% of amount)<input value={fields.thresholds} onChange={set('thresholds')} /></label>
        <label>Team (Fireworks-Annotations)<input value={fields.team} onChange={set('team')} placeholder="any" /></label>
        <label>API key<input value={fields.apiKey} onChange={set('apiKey')} placeholder="any (fingerprint as shown)" /></label>
        <label>Model<input value={fields.model} onChange={set('model')} placeholder="any" /></label>
        <label>
          Serving path
          <select value={fields.servingPath} onChange={set('servingPath')}>
            <option value="">any</option>
            {SERVING_PATH_LIST.filter((p) => p.live).map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          </select>
        </label>
        <label>Webhook or Slack URL<input value={fields.webhook} onChange={set('webhook')} placeholder="default channels" /></label>
        <label>Email<input value={fields.email} onChange={set('email')} placeholder="default channels" /></label>
        <button type="submit" disabled={add.isPending}>Create budget</button>
      </fieldset>
      {add.isError ? <p className="error small form-message" role="alert">{add.error.message}</p> : null}
      {add.isSuccess ? <p className="muted small form-message" role="status">Created “{add.data.budget.name}”; it applies to new calls at once.</p> : null}
    </form>
  );
}
