'use client';

import { CATALOG_PATHS, SERVING_PATH_INFO } from '@/lib/pricing/serving-paths';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { PriceRecord } from '@/db/schema';
import { sendJson } from '@/lib/client/send-json';
import { ApiError } from '@/lib/client/use-analytics';
import { formatMicrosAsUsd } from '@/lib/pricing/usd';

const EMPTY = { model: '', servingPath: 'standard', region: 'global', inputUsdPerMtok: '', cachedInputUsdPerMtok: '', outputUsdPerMtok: '', effectiveFrom: '', source: '' };
type Fields = typeof EMPTY;

const fieldsOf = (p: PriceRecord): Fields => ({
  model: p.model, servingPath: p.servingPath, region: p.region, inputUsdPerMtok: formatMicrosAsUsd(p.inputMicrosPerMtok),
  cachedInputUsdPerMtok: formatMicrosAsUsd(p.cachedInputMicrosPerMtok), outputUsdPerMtok: formatMicrosAsUsd(p.outputMicrosPerMtok), effectiveFrom: p.effectiveFrom, source: p.source,
});

/**
 * Adds a dated price row, or corrects one (`editing`); the API checks it (exact dollars, cached ≤
 * input, no duplicate) and its message is shown as is. A price far from the row it supersedes, or
 * for a model never called, is saved only after "Save anyway".
 */
export function AddPriceForm({ editing, onDone }: { editing?: PriceRecord; onDone?: () => void } = {}) {
  const client = useQueryClient();
  const [fields, setFields] = useState<Fields>(editing ? fieldsOf(editing) : EMPTY);
  const add = useMutation({
    mutationFn: (body: Fields & { confirm?: boolean }) =>
      editing ? sendJson<{ price: PriceRecord }>('PUT', `/api/v1/settings/prices/${editing.id}`, body) : sendJson<{ price: PriceRecord }>('POST', '/api/v1/settings/prices', body),
    onSuccess: () => {
      setFields(EMPTY);
      onDone?.();
      return client.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  const needsConfirming = add.error instanceof ApiError && add.error.status === 422;
  const set = (key: keyof Fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(fields);
  };
  return (
    <form className="settings-form" onSubmit={submit} aria-label={editing ? `Correct price row ${editing.id}` : 'Add price row'}>
      <fieldset>
        <legend>{editing ? `Correct price row ${editing.id}` : 'Add price row'}</legend>
        <label>Model<input required value={fields.model} onChange={set('model')} placeholder="accounts/fireworks/models/…" /></label>
        <label>
          Serving path
          <select value={fields.servingPath} onChange={set('servingPath')}>
            {CATALOG_PATHS.map((p) => <option key={p} value={p}>{SERVING_PATH_INFO[p].label}</option>)}
          </select>
        </label>
        <label>
          Region
          <select value={fields.region} onChange={set('region')}>
            {['global', 'us'].map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </label>
        <label>Input $/1M<input required inputMode="decimal" value={fields.inputUsdPerMtok} onChange={set('inputUsdPerMtok')} placeholder="0.60" /></label>
        <label>Cached input $/1M<input required inputMode="decimal" value={fields.cachedInputUsdPerMtok} onChange={set('cachedInputUsdPerMtok')} placeholder="0.30" /></label>
        <label>Output $/1M<input required inputMode="decimal" value={fields.outputUsdPerMtok} onChange={set('outputUsdPerMtok')} placeholder="2.40" /></label>
        <label>Effective from (UTC)<input required type="date" value={fields.effectiveFrom} onChange={set('effectiveFrom')} /></label>
        <label>Source<input value={fields.source} onChange={set('source')} placeholder="added in Settings" /></label>
        <button type="submit" disabled={add.isPending}>{editing ? 'Save correction' : 'Add price row'}</button>
        {editing ? <button type="button" onClick={onDone}>Cancel</button> : null}
      </fieldset>
      {add.isError ? (
        <p className="error small form-message" role="alert">
          {add.error.message}{' '}
          {needsConfirming ? <button type="button" onClick={() => add.mutate({ ...fields, confirm: true })}>Save anyway</button> : null}
        </p>
      ) : null}
      {add.isSuccess ? (
        <p className="muted small form-message" role="status">
          Added {add.data.price.model} ({add.data.price.servingPath}, {add.data.price.region}) from {add.data.price.effectiveFrom}. New calls
          use it within seconds; calls already recorded keep their price until you re-price them below.
        </p>
      ) : null}
    </form>
  );
}
