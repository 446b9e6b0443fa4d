'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { sendJson } from '@/lib/client/send-json';
import { useBillingZone } from '@/lib/client/use-billing-zone';
import { Panel } from '../Panel';

/** The zone finance counts in: the Reports page, both exports and the month presets. */
export function BillingPanel() {
  const client = useQueryClient();
  const current = useBillingZone() ?? 'UTC';
  const [zone, setZone] = useState(current);
  useEffect(() => setZone(current), [current]);
  const save = useMutation({
    mutationFn: (timeZone: string) => sendJson('PUT', '/api/v1/settings/billing', { timeZone }),
    onSuccess: () => client.invalidateQueries(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate(zone.trim());
  };
  return (
    <Panel title="Billing time zone" note="Fireworks bills by the UTC month. Reports, both CSV exports and the This month / Last month ranges count days and months in this zone.">
      <form className="settings-form" onSubmit={submit} aria-label="Billing time zone">
        <fieldset>
          <legend>Zone</legend>
          <label>IANA time zone<input value={zone} onChange={(e) => setZone(e.target.value)} /></label>
          <button type="submit" disabled={save.isPending || zone === current}>Save zone</button>
        </fieldset>
        {save.isError ? <p className="error small form-message" role="alert">{save.error.message}</p> : null}
        {save.isSuccess ? <p className="muted small form-message" role="status">Saved.</p> : null}
      </form>
    </Panel>
  );
}
