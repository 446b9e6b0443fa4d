'use client';

import type { CacheAffinityComparison } from '@/lib/analytics/cache-affinity';
import type { CacheFigures } from '@/lib/analytics/engine/cache-figures';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatPercent, formatTokens, formatUsd, formatUsdPrecise } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const ROWS: [string, (g: CacheFigures) => string][] = [
  ['Requests', (g) => formatCount(g.requests)],
  ['Prompt tokens', (g) => formatTokens(g.promptTokens)],
  ['Cached tokens', (g) => formatTokens(g.cachedTokens)],
  ['Hit rate (token-weighted)', (g) => formatPercent(g.hitRate)],
  ['Hit rate (per request)', (g) => formatPercent(g.perRequestHitRate)],
  ['Cache savings', (g) => formatUsd(g.savingsMicros)],
];

function Estimate({ data }: { data: CacheAffinityComparison }) {
  const { withAffinity: a, withoutAffinity: n, missedSavings: missed, savingsPerCachedTokenMicros: perToken } = data;
  if (!missed) {
    return <p className="muted small">No estimate of missed savings: it needs calls with affinity to compare with and some cached tokens to price.</p>;
  }
  return (
    <div className="estimate" data-testid="missed-savings">
      <div className="small muted">Missed savings without affinity — ESTIMATE</div>
      <div className="estimate-value" title={formatUsdPrecise(missed.estimateMicros)}>≈ {formatUsd(missed.estimateMicros)}</div>
      <p className="small muted">
        Estimate = prompt tokens without affinity × max(0, hit rate with affinity − hit rate without) × observed savings per cached token
        {perToken !== null ? (
          <>
            {' '}= {formatCount(n.promptTokens)} × max(0, {formatPercent(a.hitRate)} − {formatPercent(n.hitRate)}) × {formatUsdPrecise(Math.round(perToken * 1e6))} per 1M cached
            tokens ≈ {formatCount(missed.extraCachedTokens)} more cached tokens, {formatUsdPrecise(missed.estimateMicros)}.
          </>
        ) : (
          '.'
        )}{' '}
        It assumes those calls would share prefixes as the affinity calls do, which one-off calls may not.
      </p>
    </div>
  );
}

export function AffinityPanel() {
  const query = useAnalytics<CacheAffinityComparison>('cache/affinity');
  return (
    <Panel title="Session affinity" note={<>Calls that sent <code>x-session-affinity</code>, <code>prompt_cache_key</code> or <code>user</code> reach the same replica, whose cache holds their prefix.</>}>
      <QueryState query={query} isEmpty={(d) => d.withAffinity.requests + d.withoutAffinity.requests === 0}>
        {(data) => (
          <>
            <div className="table-scroll" tabIndex={0}>
              <table className="data" data-testid="affinity">
                <thead>
                  <tr>
                    <th></th><th className="num">With affinity</th><th className="num">Without</th>
                  </tr>
                </thead>
                <tbody>
                  {ROWS.map(([label, show]) => (
                    <tr key={label}>
                      <th scope="row">{label}</th>
                      <td className="num">{show(data.withAffinity)}</td>
                      <td className="num">{show(data.withoutAffinity)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Estimate data={data} />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
