'use client';

import type { SpendByModel } from '@/lib/analytics/spend-by-model';
import { useAnalytics } from '@/lib/client/use-analytics';
import { SpendByModelChart } from '../charts/SpendByModelChart';
import { formatCount, formatModel, formatSpend, formatTokens, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

export function SpendByModelPanel() {
  const query = useAnalytics<SpendByModel>('spend/by-model');
  return (
    <Panel title="Spend by model and serving path" note="Prompt tokens include cached tokens. Unpriced calls are counted, never shown as $0." wide>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => (
          <>
            <SpendByModelChart rows={rows} />
            <div className="table-scroll">
              <table className="data" data-testid="spend-by-model">
                <thead>
                  <tr>
                    <th>Model</th><th>Serving path</th><th className="num">Requests</th><th className="num">Prompt tokens</th>
                    <th className="num">Cached tokens</th><th className="num">Completion tokens</th><th className="num">Spend</th><th className="num">Unpriced</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={`${r.model}|${r.servingPath}`}>
                      <td title={r.model}>{formatModel(r.model)}</td>
                      <td>{r.servingPath}</td>
                      <td className="num">{formatCount(r.requests)}</td>
                      <td className="num" title={formatCount(r.promptTokens)}>{formatTokens(r.promptTokens)}</td>
                      <td className="num" title={formatCount(r.cachedTokens)}>{formatTokens(r.cachedTokens)}</td>
                      <td className="num" title={formatCount(r.completionTokens)}>{formatTokens(r.completionTokens)}</td>
                      <td className="num" title={formatUsdExact(r.spendUsd)}>{formatSpend(r)}</td>
                      <td className={r.unpricedRequests ? 'num unpriced' : 'num'}>{formatCount(r.unpricedRequests)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </Panel>
  );
}
