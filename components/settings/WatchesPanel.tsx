'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import type { WatchType } from '@/lib/budgets/payload';
import { WATCH_RULES, type WatchSettings } from '@/lib/budgets/watch-settings';
import { sendJson } from '@/lib/client/send-json';
import { fetchJson } from '@/lib/client/use-analytics';
import { Panel } from '../Panel';

/** The numeric thresholds each watch takes, with the words the form shows. */
const FIELDS: { [W in WatchType]: [Exclude<keyof WatchSettings[W], 'enabled'>, string][] } = {
  'spend.anomaly': [['factor', 'times the median'], ['minUsd', 'and at least $']],
  'cache.drop': [['points', 'points below'], ['minPromptTokens', 'prompt tokens at least']],
  'headroom.low': [['below', 'headroom under (0–1)']],
  'pricing.unpriced': [],
  'errors.rate': [['share', 'share above (0–1)'], ['minRequests', 'calls at least']],
};
const TYPES = Object.keys(FIELDS) as WatchType[];

/** Alerts beyond budgets: each watch on or off with its threshold; alerts go to the default channels. */
export function WatchesPanel() {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['settings', 'watches'], queryFn: () => fetchJson<{ watches: WatchSettings }>('/api/v1/settings/watches') });
  const [draft, setDraft] = useState<WatchSettings | undefined>();
  useEffect(() => setDraft(query.data?.watches), [query.data]);
  const save = useMutation({
    mutationFn: (watches: WatchSettings) => sendJson('PUT', '/api/v1/settings/watches', watches),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settings', 'watches'] }),
  });
  const update = <W extends WatchType>(type: W, key: keyof WatchSettings[W], value: boolean | number) =>
    setDraft((d) => (d ? { ...d, [type]: { ...d[type], [key]: value } } : d));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft) save.mutate(draft);
  };
  return (
    <Panel title="Watches" note="Checked every minute. Each alerts once when its condition begins and once when it clears, on the default channels and in the Budgets page's inbox." wide>
      {draft ? (
        <form className="settings-form" onSubmit={submit} aria-label="Watches">
          {TYPES.map((type) => (
            <fieldset key={type}>
              <legend>
                <label><input type="checkbox" checked={draft[type].enabled} onChange={(e) => update(type, 'enabled', e.target.checked)} /> <code>{type}</code></label>
              </legend>
              <p className="muted small">Alerts when {(WATCH_RULES[type] as (s: WatchSettings[WatchType]) => string)(draft[type])}.</p>
              {FIELDS[type].map(([key, label]) => (
                <label key={String(key)}>
                  {label}
                  <input type="number" step="any" value={String(draft[type][key as keyof WatchSettings[typeof type]])} onChange={(e) => update(type, key as keyof WatchSettings[typeof type], Number(e.target.value))} />
                </label>
              ))}
            </fieldset>
          ))}
          <button type="submit" disabled={save.isPending}>Save watches</button>
          {save.isError ? <p className="error small form-message" role="alert">{save.error.message}</p> : null}
          {save.isSuccess ? <p className="muted small form-message" role="status">Saved.</p> : null}
        </form>
      ) : null}
    </Panel>
  );
}
