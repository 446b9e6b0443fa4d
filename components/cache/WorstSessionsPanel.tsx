'use client';

import type { SessionsWithWorstHitRate } from '@/lib/analytics/cache-worst-sessions';
import { useAnalytics } from '@/lib/client/use-analytics';
import { filterName } from '@/lib/client/view-filters';
import { formatApiKey, formatCount, formatModel, formatPercent, formatTime, formatTokens } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

export function WorstSessionsPanel() {
  const query = useAnalytics<SessionsWithWorstHitRate>('cache/worst-sessions');
  return (
    <Panel
      title="Sessions with the worst hit rate"
      note="Sessions (by affinity key) that made calls in this range, with at least 2 calls, lowest token-weighted hit rate first; embeddings, which keep no prompt cache, are left out. Figures are each session's totals over its whole recorded life; only the API key and model filters apply."
      wide
    >
      <QueryState query={query}>
        {(data) => (
          <>
            {data.ignoredFilters.length ? (
              <p className="warning small">Not applied to sessions: {data.ignoredFilters.map(filterName).join(', ')}.</p>
            ) : null}
            {data.rows.length === 0 ? (
              <p className="state muted">No session with 2 or more calls was active in this range.</p>
            ) : (
              <div className="table-scroll" tabIndex={0}>
                <table className="data" data-testid="worst-sessions">
                  <thead>
                    <tr>
                      <th>Session</th><th>API key</th><th>Model</th><th className="num">Hit rate</th><th className="num">Requests</th>
                      <th className="num">Prompt tokens</th><th className="num">Cached tokens</th><th>First seen</th><th>Last seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.rows.map((s) => (
                      <tr key={`${s.session}|${s.apiKey}|${s.model}`}>
                        <td className="session">{s.session}</td>
                        <td>{formatApiKey(s.apiKey, s.label)}</td>
                        <td title={s.model}>{formatModel(s.model)}</td>
                        <td className="num"><strong>{formatPercent(s.hitRate)}</strong></td>
                        <td className="num">{formatCount(s.requests)}</td>
                        <td className="num" title={formatCount(s.promptTokens)}>{formatTokens(s.promptTokens)}</td>
                        <td className="num" title={formatCount(s.cachedTokens)}>{formatTokens(s.cachedTokens)}</td>
                        <td>{formatTime(s.firstSeen, 'minute')}</td>
                        <td>{formatTime(s.lastSeen, 'minute')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </QueryState>
    </Panel>
  );
}
