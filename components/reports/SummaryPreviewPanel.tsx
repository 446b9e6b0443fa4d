'use client';

import { useEffect, useState } from 'react';
import type { SummaryFigures, SummaryReport } from '@/lib/analytics/reports-summary';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useBillingZone } from '@/lib/client/use-billing-zone';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { formatCount, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const PREVIEW_ROWS = 20;
const shortModel = (m: string) => m.replace(/^accounts\/fireworks\/(models|routers)\//, '');

function Figures({ f, testId }: { f: SummaryFigures; testId?: string }) {
  const id = (name: string) => (testId ? `${testId}-${name}` : undefined);
  return (
    <>
      <td className="num" data-testid={id('requests')}>{formatCount(f.requests)}</td>
      <td className="num" data-testid={id('prompt')}>{formatCount(f.promptTokens)}</td>
      <td className="num" data-testid={id('cached')}>{formatCount(f.cachedTokens)}</td>
      <td className="num" data-testid={id('completion')}>{formatCount(f.completionTokens)}</td>
      <td className="num" data-testid={id('spend')}>{formatUsdExact(f.spendUsd)}</td>
      <td className="num" data-testid={id('savings')}>{formatUsdExact(f.cacheSavingsUsd)}</td>
      <td className="num" data-testid={id('unpriced')}>{formatCount(f.unpricedRequests)}</td>
    </>
  );
}

/** The summary a page of rows at a time, with its totals, exactly as the CSV has them. */
export function SummaryPreviewPanel() {
  // finance's days are the billing zone's (Settings), not the browser's
  const { params } = useViewFilters();
  const group = params.get('group') === 'month' ? 'month' : 'day';
  const detail = params.get('detail') === 'key' ? 'key' : 'tags';
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [params]); // other rows: start again at the first page
  const query = useAnalytics<SummaryReport>('reports/summary', { limit: String(PREVIEW_ROWS), offset: String(page * PREVIEW_ROWS), tz: useBillingZone() ?? 'UTC', group, detail });
  return (
    <Panel title={group === 'month' ? 'Monthly summary' : 'Daily summary'} note={`Per ${group}, serving path, model and API key${detail === 'tags' ? ', team, project and environment' : ''}; every amount exact.`} wide>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {(data) => (
          <>
            <p className="muted small" data-testid="summary-count">
              Showing {data.rows.length} of {formatCount(data.rowCount)} rows; {data.group}s in {data.range.tz}. The totals cover every row.
            </p>
            {data.rowCount > PREVIEW_ROWS ? (
              <div className="pager">
                <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>← Previous rows</button>
                <span className="muted small" data-testid="summary-page">
                  Rows {formatCount(page * PREVIEW_ROWS + 1)}–{formatCount(page * PREVIEW_ROWS + data.rows.length)}
                </span>
                <button type="button" disabled={(page + 1) * PREVIEW_ROWS >= data.rowCount} onClick={() => setPage((p) => p + 1)}>Next rows →</button>
              </div>
            ) : null}
            <div className="table-scroll" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr>
                    <th>Day</th>
                    <th>Serving path</th>
                    <th>Model</th>
                    <th>API key</th>
                    {data.detail === 'tags' ? <th>Team / project / env</th> : null}
                    <th className="num">Requests</th>
                    <th className="num">Prompt tokens</th>
                    <th className="num">Cached tokens</th>
                    <th className="num">Completion tokens</th>
                    <th className="num">Spend</th>
                    <th className="num">Cache savings</th>
                    <th className="num">Unpriced</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={`${r.day}|${r.servingPath}|${r.model}|${r.apiKey}|${r.team}|${r.project}|${r.environment}`}>
                      <td>{r.day}</td>
                      <td>{r.servingPath}</td>
                      <td title={r.model}>{shortModel(r.model)}</td>
                      <td title={r.apiKey}>{r.apiKeyLabel ? `${r.apiKeyLabel} (${r.apiKey})` : r.apiKey}</td>
                      {data.detail === 'tags' ? <td>{[r.team, r.project, r.environment].map((v) => v ?? '—').join(' / ')}</td> : null}
                      <Figures f={r} />
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr className="totals">
                    <th colSpan={data.detail === 'tags' ? 5 : 4}>Total ({formatCount(data.rowCount)} rows)</th>
                    <Figures f={data.totals} testId="summary-total" />
                  </tr>
                </tfoot>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </Panel>
  );
}
