'use client';

import type { SpendByTag } from '@/lib/analytics/spend-by-tag';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatCount, formatSpend, formatTag, formatUsd, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const Tag = ({ value }: { value: string }) => (value ? <>{value}</> : <span className="muted">{formatTag(value)}</span>);

export function SpendByTagPanel() {
  const query = useAnalytics<SpendByTag>('spend/by-tag');
  return (
    <Panel title="Spend by tag" note={<>From the <code>Fireworks-Annotations</code> header (team, project, environment).</>}>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => (
          <div className="table-scroll">
            <table className="data compact" data-testid="spend-by-tag">
              <thead>
                <tr>
                  <th>Team</th><th>Project</th><th>Environment</th><th className="num">Requests</th><th className="num">Spend</th>
                  <th className="num">Cache savings</th><th className="num">Unpriced</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.team}|${r.project}|${r.environment}`}>
                    <td><Tag value={r.team} /></td>
                    <td><Tag value={r.project} /></td>
                    <td><Tag value={r.environment} /></td>
                    <td className="num">{formatCount(r.requests)}</td>
                    <td className="num" title={formatUsdExact(r.spendMicros)}>{formatSpend(r.spendMicros, r.unpricedRequests)}</td>
                    <td className="num" title={formatUsdExact(r.cacheSavingsMicros)}>{formatUsd(r.cacheSavingsMicros)}</td>
                    <td className={r.unpricedRequests ? 'num unpriced' : 'num'}>{formatCount(r.unpricedRequests)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Panel>
  );
}
