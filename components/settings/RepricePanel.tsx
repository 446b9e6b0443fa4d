'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { format } from 'date-fns';
import { useEffect, useState, type FormEvent } from 'react';
import type { FilterOptions } from '@/lib/analytics/filter-options';
import type { RepriceFigures, RepriceResult } from '@/lib/pricing/reprice';
import type { RepriceJob } from '@/lib/pricing/reprice-job';
import { fetchJson } from '@/lib/client/use-analytics';
import { sendJson } from '@/lib/client/send-json';
import { useBillingZone } from '@/lib/client/use-billing-zone';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { resolveRange } from '@/lib/client/view-filters';
import { formatCount, formatUsdExact } from '../format';
import { Panel } from '../Panel';

const toLocalInput = (d: Date) => format(d, "yyyy-MM-dd'T'HH:mm");
const signed = (usd: string) => (usd.startsWith('-') || /^[0.]+$/.test(usd) ? formatUsdExact(usd) : `+${formatUsdExact(usd)}`);

interface Scope {
  from: string;
  to: string;
  model: string;
}

function FigureCells({ f }: { f: RepriceFigures }) {
  return (
    <>
      <td className="num">{formatCount(f.calls)}</td>
      <td className="num">{formatCount(f.changed)}</td>
      <td className="num">{formatUsdExact(f.oldUsd)}</td>
      <td className="num">{formatUsdExact(f.newUsd)}</td>
      <td className="num">{signed(f.differenceUsd)}</td>
      <td className="num">{formatCount(f.becomePriced)}</td>
      <td className="num">{formatCount(f.becomeUnpriced)}</td>
    </>
  );
}

function Figures({ result }: { result: RepriceResult }) {
  const t = result.totals;
  return (
    <div data-testid={result.applied ? 'reprice-applied' : 'reprice-preview'}>
      <p className={result.applied ? 'notice small' : 'small'} role="status">
        {result.applied ? 'Applied: ' : 'Preview: '}
        {formatCount(t.changed)} of {formatCount(t.calls)} calls {result.applied ? 'were' : 'would be'} re-priced; total{' '}
        {formatUsdExact(t.oldUsd)} → {formatUsdExact(t.newUsd)} ({signed(t.differenceUsd)}); {formatCount(t.becomePriced)} become
        priced, {formatCount(t.becomeUnpriced)} become unpriced.
      </p>
      <div className="table-scroll" tabIndex={0}>
        <table className="data">
          <thead>
            <tr>
              <th>Model</th>
              <th className="num">Calls</th>
              <th className="num">Changed</th>
              <th className="num">Old total</th>
              <th className="num">New total</th>
              <th className="num">Difference</th>
              <th className="num">Become priced</th>
              <th className="num">Become unpriced</th>
            </tr>
          </thead>
          <tbody>
            {result.byModel.map((m) => (
              <tr key={m.model}>
                <td>{m.model}</td>
                <FigureCells f={m} />
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="totals">
              <th>All models</th>
              <FigureCells f={t} />
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}

/**
 * Re-pricing recorded calls is explicit: preview what changes first, then apply exactly that scope.
 * Changing the range or model after a preview asks for a new preview.
 */
export function RepricePanel() {
  const client = useQueryClient();
  const { view } = useViewFilters();
  const billingZone = useBillingZone() ?? 'UTC';
  const options = useQuery({ queryKey: ['filter-options'], queryFn: () => fetchJson<FilterOptions>('/api/v1/filter-options') });
  const [scope, setScope] = useState<Scope>({ from: '', to: '', model: '' });
  useEffect(() => {
    // start from the range the page is showing (client clock and zone, hence after mount)
    const range = resolveRange(view, new Date(), billingZone);
    setScope((s) => (s.from || s.to ? s : { ...s, from: toLocalInput(range.from), to: toLocalInput(range.to) }));
  }, [view, billingZone]);
  const body = (at: Scope, apply: boolean) => ({
    from: at.from ? new Date(at.from).toISOString() : at.from,
    to: at.to ? new Date(at.to).toISOString() : at.to,
    model: at.model || undefined,
    apply,
  });
  const run = useMutation({ mutationFn: (at: Scope) => sendJson<RepriceResult>('POST', '/api/v1/settings/reprice', body(at, false)) });
  // applying runs in the background: start it, then follow the job until it is over
  const start = useMutation({
    mutationFn: (at: Scope) => sendJson<{ job: RepriceJob }>('POST', '/api/v1/settings/reprice', body(at, true)),
    onSuccess: () => client.invalidateQueries({ queryKey: ['settings', 'reprice-job'] }),
  });
  const job = useQuery({
    queryKey: ['settings', 'reprice-job'],
    queryFn: () => fetchJson<{ job: RepriceJob | null }>('/api/v1/settings/reprice'),
    refetchInterval: (q) => (q.state.data?.job?.state === 'running' ? 1000 : false),
  });
  const running = job.data?.job?.state === 'running';
  const finished = job.data?.job && !running && start.isSuccess ? job.data.job : null;
  useEffect(() => {
    if (finished) void client.invalidateQueries(); // totals, breakdowns and exports follow at once
  }, [finished?.id, finished?.state]); // eslint-disable-line react-hooks/exhaustive-deps
  const cancel = useMutation({ mutationFn: () => sendJson('DELETE', '/api/v1/settings/reprice') });
  const [previewed, setPreviewed] = useState<Scope | null>(null);
  const change = (key: keyof Scope) => (e: { target: { value: string } }) => {
    setScope((s) => ({ ...s, [key]: e.target.value }));
    setPreviewed(null);
    run.reset();
    start.reset();
  };
  const preview = (e: FormEvent) => {
    e.preventDefault();
    setPreviewed(scope);
    start.reset();
    run.mutate(scope);
  };
  const result = finished?.result ?? (start.isSuccess ? undefined : run.data);
  const canApply = previewed !== null && run.data && run.data.totals.changed > 0 && !run.isPending && !running && !start.isSuccess;

  return (
    <Panel
      title="Re-price recorded calls"
      note="Prices recorded calls again with the current price table (for example after adding a row with an earlier effective date). Nothing changes until you apply; totals, breakdowns and exports follow at once. A call counts as changed when its price row or any cost figure moves, including the Standard-equivalent cost behind the Priority and Fast premium, so a Fast call can change while its own cost stays the same."
      wide
    >
      <form className="settings-form" onSubmit={preview} aria-label="Re-price">
        <fieldset>
          <legend>Range and model</legend>
          <label>From<input type="datetime-local" required value={scope.from} onChange={change('from')} /></label>
          <label>To<input type="datetime-local" required value={scope.to} onChange={change('to')} /></label>
          <label>
            Model
            <select value={scope.model} onChange={change('model')}>
              <option value="">All models</option>
              {(options.data?.models ?? []).map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
          <button type="submit" disabled={run.isPending}>Preview</button>
          <button
            type="button"
            className="danger"
            disabled={!canApply}
            onClick={() => previewed && start.mutate(previewed)}
          >
            Apply re-pricing
          </button>
        </fieldset>
      </form>
      {run.isPending ? <p className="state muted" aria-busy="true">Working…</p> : null}
      {running && job.data?.job ? (
        <div className="small" role="status" data-testid="reprice-progress">
          Re-pricing: {formatCount(job.data.job.done)} of about {formatCount(job.data.job.total)} calls{' '}
          <progress max={Math.max(1, job.data.job.total)} value={job.data.job.done} aria-label="Re-pricing progress" />{' '}
          <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>Cancel</button>
        </div>
      ) : null}
      {finished?.state === 'cancelled' ? <p className="warning small" role="status">Cancelled part way: the calls counted below were re-priced, the rest of the range was not.</p> : null}
      {finished?.state === 'failed' ? <p className="error small" role="alert">Re-pricing failed: {finished.error}</p> : null}
      {run.isError ? <p className="error small" role="alert">{run.error.message}</p> : null}
      {start.isError ? <p className="error small" role="alert">{start.error.message}</p> : null}
      {result ? <Figures result={result} /> : null}
      {result && !result.applied && result.totals.changed === 0 ? <p className="muted small">Nothing to change: every call here already has its current price.</p> : null}
    </Panel>
  );
}
