'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { ApplyOnLeave } from '../ApplyOnLeave';

type Choices = readonly (readonly [string, string])[];

// Lists, not objects: JavaScript puts number-like keys first, which listed "429" before "All".
const STATUSES: Choices = [
  ['', 'All'],
  ['ok', 'OK (below 400)'],
  ['error', 'Errors (400 and up)'],
  ['402', '402 spending cap or budget'],
  ['429', '429 rate limited'],
  ['499', '499 client hung up'],
  ['503', '503 overloaded'],
];

const STREAMS: Choices = [
  ['', 'All'],
  ['yes', 'Streaming'],
  ['no', 'Not streaming'],
];

export const SORTS: Choices = [
  ['', 'Newest first'],
  ['cost', 'Highest cost'],
  ['duration', 'Longest duration'],
  ['ttft', 'Slowest first byte'],
];

/** The log's own URL parameters besides the page filters: the API takes them under the same names. */
export const LOG_PARAMS = ['q', 'status', 'stream', 'sort', 'minDurationMs', 'minTtftMs', 'minCostUsd'] as const;

function Select({ label, name, choices }: { label: string; name: (typeof LOG_PARAMS)[number]; choices: Choices }) {
  const { params, update } = useViewFilters();
  const value = params.get(name) ?? '';
  // a value from a shared link that the list lacks is still shown as chosen
  const shown = choices.some(([v]) => v === value) ? choices : [...choices, [value, value] as const];
  return (
    <label className="small muted">
      {label}{' '}
      <select aria-label={label} value={value} onChange={(e) => update((p) => (e.target.value ? p.set(name, e.target.value) : p.delete(name)))}>
        {shown.map(([v, text]) => (
          <option key={v} value={v}>{text}</option>
        ))}
      </select>
    </label>
  );
}

function AtLeast({ label, name, unit, placeholder }: { label: string; name: (typeof LOG_PARAMS)[number]; unit: string; placeholder: string }) {
  const { params, update } = useViewFilters();
  return (
    <label className="small muted at-least">
      {label} ≥{' '}
      <ApplyOnLeave
        aria-label={`${label} at least (${unit})`}
        inputMode="decimal"
        placeholder={placeholder}
        value={params.get(name) ?? ''}
        onApply={(v) => update((p) => (v.trim() ? p.set(name, v.trim()) : p.delete(name)))}
      />{' '}
      {unit}
    </label>
  );
}

/** Search, status, streaming, minimums and order: each kept in the URL beside the page filters. */
export function RequestLogControls() {
  const { params, update } = useViewFilters();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]); // back/forward or a shared link changes the search under us
  const search = (e: FormEvent) => {
    e.preventDefault();
    update((p) => (draft.trim() ? p.set('q', draft.trim()) : p.delete('q')));
  };
  return (
    <div className="log-controls">
      <form role="search" onSubmit={search}>
        <input type="search" aria-label="Search requests" placeholder="Id, session, user, model or key" value={draft} onChange={(e) => setDraft(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <Select label="Status" name="status" choices={STATUSES} />
      <Select label="Stream" name="stream" choices={STREAMS} />
      <Select label="Sort" name="sort" choices={SORTS} />
      <AtLeast label="Duration" name="minDurationMs" unit="ms" placeholder="1000" />
      <AtLeast label="First byte" name="minTtftMs" unit="ms" placeholder="500" />
      <AtLeast label="Cost" name="minCostUsd" unit="USD" placeholder="0.01" />
    </div>
  );
}
