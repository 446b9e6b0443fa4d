'use client';

import { COST_STATE_REASONS, costState } from '@/lib/pricing/cost-state';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { RequestDetail } from '@/lib/analytics/requests-id';
import { fetchJson } from '@/lib/client/use-analytics';
import { formatCount, formatDateTime, formatModel, formatMs, formatPicoExact, formatUsdPerMtok } from '../format';
import { QueryState } from '../QueryState';

const n = (v: number | null) => (v === null ? '—' : formatCount(v));
const usd = (pico: number | null) => (pico === null ? '—' : formatPicoExact(pico));

function Section({ title, items }: { title: string; items: [string, ReactNode][] }) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <dl className="detail-list">
        {items.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Detail({ detail }: { detail: RequestDetail }) {
  const r = detail.request;
  const p = detail.price;
  const state = costState(r.promptTokens, r.costTotalPico);
  const uncached = r.promptTokens === null ? null : r.promptTokens - (r.cachedPromptTokens ?? 0);
  const premium = r.costTotalPico !== null && r.standardCostPico !== null ? r.costTotalPico - r.standardCostPico : null;
  return (
    <>
      <Section
        title="Call"
        items={[
          ['Time', formatDateTime(r.startedAt)],
          ['Model', <span key="m" title={r.model}>{formatModel(r.model)}</span>],
          ['Serving path', `${r.servingPath} · ${r.region}`],
          ['Endpoint', `${r.endpoint}${r.stream ? ' (streaming)' : ''}`],
          ['Status', r.errorCode ? `${r.status} · ${r.errorCode}` : String(r.status)],
          ['API key', detail.apiKeyLabel ? `${detail.apiKeyLabel} (${r.apiKey})` : r.apiKey],
          ['Team', r.team === null ? '—' : `${r.team} (${r.teamSource === 'api_key' ? "from the API key's team in Settings" : 'from Fireworks-Annotations'})`],
          ['Project / env', [r.project, r.environment].map((v) => v ?? '—').join(' / ')],
          ['Session affinity', r.sessionAffinity ?? '—'],
          ['User', r.user ?? '—'],
          ['Response id', r.upstreamId ?? '—'],
          ['x-request-id', r.upstreamRequestId ?? '—'],
        ]}
      />
      <Section
        title="Tokens"
        items={[
          ['Prompt (incl. cached)', n(r.promptTokens)],
          ['Cached prompt', n(r.cachedPromptTokens)],
          ['Uncached prompt', n(uncached)],
          ['Completion', n(r.completionTokens)],
          [
            'Cached tokens check',
            r.cachedTokensDisagree === 1 ? (
              <span key="d" className="unpriced">disagree: usage {n(r.cachedPromptTokens)}, header {n(r.headerCachedPromptTokens)}, perf_metrics {n(r.perfCachedPromptTokens)}</span>
            ) : r.cachedTokensDisagree === 0 ? 'usage, header and perf_metrics agree' : 'fewer than two counts to compare',
          ],
        ]}
      />
      <Section
        title="Cost"
        items={
          state === 'unpriced'
            ? [['Total', <span key="u" className="unpriced">unpriced: {COST_STATE_REASONS.unpriced}</span>]]
            : state === 'usage_unknown'
              ? [['Total', `usage unknown: ${COST_STATE_REASONS.usage_unknown}`]]
              : [
                  ['Input (uncached)', usd(r.costInputPico)],
                  ['Cached input', usd(r.costCachedInputPico)],
                  ['Output', usd(r.costOutputPico)],
                  ['Total', <strong key="t">{usd(r.costTotalPico)}</strong>],
                  ['Cache savings', usd(r.cacheSavingsPico)],
                  ['Same tokens on Standard', usd(r.standardCostPico)],
                  ['Premium over Standard', usd(premium)],
                ]
        }
      />
      <Section
        title="Timings"
        items={[
          ['Duration (proxy)', formatMs(r.durationMs)],
          ['First byte (proxy)', formatMs(r.ttftMs)],
          ['Server time to first token', formatMs(r.serverTtftMs)],
          ['Server processing', formatMs(r.serverProcessingMs)],
        ]}
      />
      <Section
        title="perf_metrics"
        items={[
          ['Prompt / cached tokens', `${n(r.perfPromptTokens)} / ${n(r.perfCachedPromptTokens)}`],
          ['Server TTFT / processing', `${formatMs(r.perfServerTtftMs)} / ${formatMs(r.perfServerProcessingMs)}`],
        ]}
      />
      <Section
        title="Fireworks headers"
        items={[
          ['fireworks-prompt-tokens', n(r.headerPromptTokens)],
          ['fireworks-cached-prompt-tokens', n(r.headerCachedPromptTokens)],
          ['Limit: total prompt / min', n(r.limitPromptTpm)],
          ['Limit: uncached prompt / min', n(r.limitUncachedPromptTpm)],
          ['Limit: generated / min', n(r.limitGeneratedTpm)],
          ['Remaining: total prompt', n(r.remainingPromptTokens)],
          ['Remaining: uncached prompt', n(r.remainingUncachedPromptTokens)],
          ['Remaining: generated', n(r.remainingGeneratedTokens)],
          ['x-ratelimit-over-limit', r.overLimit ?? '—'],
          ['Retry-After', r.retryAfterS === null ? '—' : `${r.retryAfterS} s`],
        ]}
      />
      {p ? (
        <Section
          title="Price row used"
          items={[
            ['Model', <span key="m" title={p.model}>{formatModel(p.model)}</span>],
            ['Serving path / region', `${p.servingPath} / ${p.region}`],
            ['Input per 1M tokens', formatUsdPerMtok(p.inputMicrosPerMtok)],
            ['Cached input per 1M', formatUsdPerMtok(p.cachedInputMicrosPerMtok)],
            ['Output per 1M', formatUsdPerMtok(p.outputMicrosPerMtok)],
            ['Effective from', p.effectiveFrom],
            ['Source', p.source],
          ]}
        />
      ) : (
        <Section title="Price row used" items={[['Price', 'none (unpriced or not billed)']]} />
      )}
      <section aria-label="Usage as sent">
        <h3>Usage as sent</h3>
        {detail.usage === null ? <p className="muted small">No usage in the response.</p> : <pre className="usage-json">{JSON.stringify(detail.usage, null, 2)}</pre>}
      </section>
    </>
  );
}

/** The page's address opens this call (it is in the URL), so it is the link to send. */
function CopyLink() {
  const [copied, setCopied] = useState(false);
  const copy = () => void navigator.clipboard?.writeText(window.location.href).then(() => setCopied(true));
  return <button type="button" onClick={copy}>{copied ? 'Link copied' : 'Copy link'}</button>;
}

/** Everything recorded for one call, beside the log. Escape or the close button hides it. */
interface DrawerProps {
  id: number;
  onClose: () => void;
  /** The calls above and below in the log's current page; absent at the page's ends. */
  onPrevious?: (() => void) | undefined;
  onNext?: (() => void) | undefined;
}

export function RequestDetailDrawer({ id, onClose, onPrevious, onNext }: DrawerProps) {
  const query = useQuery({ queryKey: ['request', id], queryFn: () => fetchJson<RequestDetail>(`/api/v1/requests/${id}`) });
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  // a dialog takes the focus when it opens and gives it back to what had it when it closes
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    closeButton.current?.focus();
    return () => before?.focus?.();
  }, []);
  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-label="Request details">
      <div className="drawer-head">
        <h2>Request {id}</h2>
        <button type="button" onClick={onPrevious} disabled={!onPrevious} aria-label="Previous call">↑</button>
        <button type="button" onClick={onNext} disabled={!onNext} aria-label="Next call">↓</button>
        <CopyLink />
        <button ref={closeButton} type="button" onClick={onClose} aria-label="Close details">×</button>
      </div>
      <QueryState query={query}>{(detail) => <Detail detail={detail} />}</QueryState>
    </aside>
  );
}
