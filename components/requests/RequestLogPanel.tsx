'use client';

import { COST_STATE_LABELS, COST_STATE_REASONS } from '@/lib/pricing/cost-state';
import { useCallback, useState } from 'react';
import type { RequestLogPage, RequestLogRow } from '@/lib/analytics/requests';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { formatCount, formatDateTime, formatModel, formatMs, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { RequestDetailDrawer } from './RequestDetailDrawer';
import { LOG_PARAMS, RequestLogControls } from './RequestLogControls';

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

/** Where the log's pages go: the cursor and page number are in the URL, so a link (or Back) returns to a page. */
function usePaging(nextCursor: string | null | undefined) {
  const { params, update } = useViewFilters();
  const cursor = params.get('cursor');
  const page = Math.max(1, Number(params.get('page')) || 1);
  // the cursor of the page before each page visited here; a page opened from a link goes "Newer" to the newest
  const [before, setBefore] = useState<Record<string, string | null>>({});
  const go = (to: string | null, pageNumber: number) =>
    update((p) => {
      if (to) p.set('cursor', to);
      else p.delete('cursor');
      if (pageNumber > 1) p.set('page', String(pageNumber));
      else p.delete('page');
      p.delete('call');
    });
  const older = nextCursor
    ? () => {
        setBefore((b) => ({ ...b, [nextCursor]: cursor }));
        go(nextCursor, page + 1);
      }
    : undefined;
  const known = cursor !== null && cursor in before;
  const newer = cursor === null ? undefined : () => (known ? go(before[cursor]!, page - 1) : go(null, 1));
  return { cursor, page, older, newer, newerLabel: known || page <= 2 ? '← Newer' : '← Newest' };
}

/** One listing of the log; remounted whenever its filters change so paging starts again. */
function RequestLog({ extra }: { extra: Record<string, string> }) {
  // the open call is in the URL (`call=`), so a link to it opens it and Back closes it
  const { params, update } = useViewFilters();
  const open = Number(params.get('call'));
  const selected = Number.isInteger(open) && open > 0 ? open : null;
  const setSelected = useCallback((id: number) => update((p) => p.set('call', String(id))), [update]);
  const close = useCallback(() => update((p) => p.delete('call')), [update]);
  const cursor = params.get('cursor');
  const query = useAnalytics<RequestLogPage>('requests', cursor ? { ...extra, cursor } : extra);
  const paging = usePaging(query.data?.nextCursor);
  const rows = query.data?.rows ?? [];
  const at = rows.findIndex((r) => r.id === selected);
  const neighbour = (step: number) => (at >= 0 && rows[at + step] ? () => setSelected(rows[at + step]!.id) : undefined);
  const filtered = Object.keys(extra).some((k) => k !== 'sort');
  return (
    <>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0} empty={filtered ? 'No calls match in this range.' : 'No calls in this range.'}>
        {(page) => (
          <>
            <p className="small muted" data-testid="match-count">
              {formatCount(page.total.count)}{page.total.atLeast ? '+' : ''} {filtered ? 'matching ' : ''}calls in this range
            </p>
            <LogTable page={page} onOpen={setSelected} selected={selected} />
            <div className="pager">
              <button type="button" disabled={!paging.newer} onClick={paging.newer}>{paging.newerLabel}</button>
              <span className="muted small" data-testid="page-number">Page {paging.page} · {page.rows.length} calls</span>
              <button type="button" disabled={!paging.older} onClick={paging.older}>Next page →</button>
            </div>
          </>
        )}
      </QueryState>
      {selected !== null ? <RequestDetailDrawer id={selected} onClose={close} onPrevious={neighbour(-1)} onNext={neighbour(1)} /> : null}
    </>
  );
}

/** The request log with its own search, filters and order, all kept in the URL beside the page filters. */
export function RequestLogPanel() {
  const { params } = useViewFilters();
  const extra: Record<string, string> = {};
  for (const key of LOG_PARAMS) {
    const value = params.get(key);
    if (value) extra[key] = value;
  }
  const listing = new URLSearchParams(params);
  for (const key of ['call', 'cursor', 'page']) listing.delete(key);
  return (
    <Panel title="Request log" note="Search matches the start of a response id, x-request-id, session-affinity key or user, or any part of a model, API key or key label, within the selected range." wide>
      <RequestLogControls />
      <RequestLog key={listing.toString()} extra={extra} />
    </Panel>
  );
}
