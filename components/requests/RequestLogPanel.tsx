'use client';

import { COST_STATE_LABELS, COST_STATE_REASONS } from '@/lib/pricing/cost-state';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { RequestLogPage, RequestLogRow } from '@/lib/analytics/request-log';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { formatCount, formatDateTime, formatModel, formatMs, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { RequestDetailDrawer } from './RequestDetailDrawer';

// A list, not an object: JavaScript puts number-like keys first, which listed "429" before "All".
const STATUSES: readonly (readonly [string, string])[] = [
  ['', 'All'],
  ['ok', 'OK (below 400)'],
  ['error', 'Errors (400 and up)'],
  ['402', '402 spending cap or budget'],
  ['429', '429 rate limited'],
  ['499', '499 client hung up'],
  ['503', '503 overloaded'],
];

const tokens = (v: number | null) => (v === null ? '—' : formatCount(v));

function Cost({ row }: { row: RequestLogRow }) {
  if (row.costState === 'unpriced') return <span className="unpriced" title={COST_STATE_REASONS.unpriced}>unpriced</span>;
  if (row.costState === 'usage_unknown') return <span className="muted" title={COST_STATE_REASONS.usage_unknown}>{COST_STATE_LABELS.usage_unknown}</span>;
  return <>{formatUsdExact(row.costUsd!)}</>;
}

function LogTable({ page, onOpen, selected }: { page: RequestLogPage; onOpen: (id: number) => void; selected: number | null }) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data request-log" aria-label="Requests">
        <thead>
          <tr>
            <th>Time</th>
            <th>Model</th>
            <th>Serving path</th>
            <th>API key</th>
            <th className="num">Status</th>
            <th className="num">Prompt</th>
            <th className="num">Cached</th>
            <th className="num">Completion</th>
            <th className="num">Cost</th>
            <th className="num">Duration</th>
            <th className="num">TTFT</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r) => (
            <tr key={r.id} data-id={r.id} className={selected === r.id ? 'selected' : undefined} onClick={() => onOpen(r.id)} tabIndex={0} onKeyDown={(e) => e.key === 'Enter' && onOpen(r.id)}>
              <td>
                <button type="button" className="link" onClick={(e) => {
                    e.stopPropagation();
                    onOpen(r.id);
                  }} aria-label={`Details of request ${r.id}`}>
                  {formatDateTime(r.startedAt)}
                </button>
              </td>
              <td title={r.model}>{formatModel(r.model)}</td>
              <td>{r.servingPath}{r.region === 'us' ? ' · us' : ''}</td>
              <td title={r.apiKey}>{r.apiKeyLabel ?? r.apiKey}</td>
              <td className={`num ${r.status >= 400 ? 'status-error' : ''}`}>{r.status}</td>
              <td className="num">{tokens(r.promptTokens)}</td>
              <td className="num">{tokens(r.cachedPromptTokens)}</td>
              <td className="num">{tokens(r.completionTokens)}</td>
              <td className="num"><Cost row={r} /></td>
              <td className="num">{formatMs(r.durationMs)}</td>
              <td className="num">{formatMs(r.ttftMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One listing of the log; remounted whenever the filters change so paging starts again from the newest call. */
function RequestLog({ q, status }: { q: string; status: string }) {
  // cursors of the pages before the current one; the current page's cursor is the last entry
  const [cursors, setCursors] = useState<string[]>([]);
  // the open call is in the URL (`call=`), so a link to it opens it and Back closes it
  const { params, update } = useViewFilters();
  const open = Number(params.get('call'));
  const selected = Number.isInteger(open) && open > 0 ? open : null;
  const setSelected = useCallback((id: number) => update((p) => p.set('call', String(id))), [update]);
  const extra: Record<string, string> = {};
  if (q) extra.q = q;
  if (status) extra.status = status;
  if (cursors.length) extra.cursor = cursors.at(-1)!;
  const query = useAnalytics<RequestLogPage>('requests', extra);
  const close = useCallback(() => update((p) => p.delete('call')), [update]);
  const pageNumber = cursors.length + 1;
  return (
    <>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0} empty={q || status ? 'No calls match in this range.' : 'No calls in this range.'}>
        {(page) => (
          <>
            <LogTable page={page} onOpen={setSelected} selected={selected} />
            <div className="pager">
              <button type="button" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
                ← Newer
              </button>
              <span className="muted small" data-testid="page-number">Page {pageNumber} · {page.rows.length} calls</span>
              <button type="button" disabled={!page.nextCursor} onClick={() => page.nextCursor && setCursors((c) => [...c, page.nextCursor!])}>
                Next page →
              </button>
            </div>
          </>
        )}
      </QueryState>
      {selected !== null ? <RequestDetailDrawer id={selected} onClose={close} /> : null}
    </>
  );
}

const withoutCall = (params: URLSearchParams) => {
  const p = new URLSearchParams(params);
  p.delete('call');
  return p.toString();
};

/** The request log with its own search and status filter, both kept in the URL beside the page filters. */
export function RequestLogPanel() {
  const { params, update } = useViewFilters();
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]); // back/forward or a shared link changes the search under us
  const search = (e: FormEvent) => {
    e.preventDefault();
    update((p) => (draft.trim() ? p.set('q', draft.trim()) : p.delete('q')));
  };
  const statusChoices = STATUSES.some(([value]) => value === status) ? STATUSES : [...STATUSES, [status, status] as const];
  return (
    <Panel title="Request log" note="Newest first. Search matches the start of a response id, x-request-id, session-affinity key or user, within the selected range." wide>
      <div className="log-controls">
        <form role="search" onSubmit={search}>
          <input type="search" aria-label="Search requests" placeholder="Response id, request id, session or user" value={draft} onChange={(e) => setDraft(e.target.value)} />
          <button type="submit">Search</button>
        </form>
        <label className="small muted">
          Status{' '}
          <select aria-label="Status" value={status} onChange={(e) => update((p) => (e.target.value ? p.set('status', e.target.value) : p.delete('status')))}>
            {statusChoices.map(([value, label]) => (
              <option key={value} value={value}>{label}</option>
            ))}
          </select>
        </label>
      </div>
      <RequestLog key={withoutCall(params)} q={q} status={status} />
    </Panel>
  );
}
