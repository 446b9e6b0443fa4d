'use client';

import type { RateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { useAnalytics } from '@/lib/client/use-analytics';
import { RefusalsChart } from '../charts/RefusalsChart';
import { formatCount } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

/** 429, 503 and 402 answers over time and the keys that got the most of them. */
export function RefusalsPanel() {
  const query = useAnalytics<RateLimitRefusals>('rate-limits/refusals');
  return (
    <Panel
      title="Calls turned away: 429, 503 and 402"
      note="429: a rate limit; 503: no capacity (Spot answers it when preempted; honour Retry-After); 402: a per-user spending cap. All filters apply."
      wide
    >
      <QueryState query={query} isEmpty={(d) => d.points.every((p) => p.rateLimited + p.overloaded + p.paymentRequired === 0)} empty="No call was turned away in this range.">
        {(data) => (
          <>
            <RefusalsChart data={data} />
            <table className="data" aria-label="Calls turned away by API key" data-testid="refusals-by-key">
              <thead>
                <tr><th>API key</th><th className="num">Requests</th><th className="num">429</th><th className="num">503</th><th className="num">402</th></tr>
              </thead>
              <tbody>
                {data.byKey.map((k) => (
                  <tr key={k.apiKey}>
                    <td><code>{k.apiKey}</code></td>
                    <td className="num">{formatCount(k.requests)}</td>
                    <td className="num">{formatCount(k.rateLimited)}</td>
                    <td className="num">{formatCount(k.overloaded)}</td>
                    <td className="num">{formatCount(k.paymentRequired)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </QueryState>
    </Panel>
  );
}
