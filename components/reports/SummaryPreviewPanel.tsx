'use client';

import type { SummaryFigures, SummaryReport } from '@/lib/analytics/summary-report';
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

/** The first rows of the daily summary and its totals, exactly as the CSV has them. */
export function SummaryPreviewPanel() {
  // finance's days are the billing zone's (Settings), not the browser's
  const group = useViewFilters().params.get('group') === 'month' ? 'month' : 'day';
  const query = useAnalytics<SummaryReport>('reports/summary', { limit: String(PREVIEW_ROWS), tz: useBillingZone() ?? 'UTC', group });
  return (
    <Panel title="Daily summary (preview)" note="Per day, serving path, model and API key; exact to the micro-dollar." wide>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {(data) => (
          <>
            <p className="muted small" data-testid="summary-count">
              Showing {data.rows.length} of {formatCount(data.rowCount)} rows; {data.group}s in {data.range.tz}. The totals cover every row.
            </p>
            <div className="table-scroll" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr>
                    <th>Day</th>
                    <th>Serving path</th>
                    <th>Model</th>
                    <th>API key</th>
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
                    <tr key={`${r.day}|${r.servingPath}|${r.model}|${r.apiKey}`}>
                      <td>{r.day}</td>
                      <td>{r.servingPath}</td>
                      <td title={r.model}>{shortModel(r.model)}</td>
                      <td title={r.apiKey}>{r.apiKeyLabel ? `${r.apiKeyLabel} (${r.apiKey})` : r.apiKey}</td>
                      <Figures f={r} />
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr className="totals">
                    <th colSpan={4}>Total ({formatCount(data.rowCount)} rows)</th>
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
