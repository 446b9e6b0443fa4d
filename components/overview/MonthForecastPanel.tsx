'use client';

import type { SpendForecast } from '@/lib/analytics/spend-forecast';
import { useAnalytics } from '@/lib/client/use-analytics';
import { MonthToDateChart } from '../charts/MonthToDateChart';
import { formatPercent, formatUsd, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

const change = (now: number, then: number) => (then > 0 ? (now - then) / then : null);

/** Month to date against the same point last month, and where the month is heading. */
export function MonthForecastPanel() {
  const query = useAnalytics<SpendForecast>('spend/forecast');
  return (
    <Panel title="This month" note="The calendar month in your time zone, whatever the range above; the filters apply." wide>
      <QueryState query={query}>
        {(d) => (
          <>
            <dl className="detail-list" data-testid="month-forecast">
              <div><dt>Month to date</dt><dd data-testid="month-to-date" title={formatUsdExact(d.monthToDate.spentUsd)}>{formatUsd(d.monthToDate.spentMicros)}</dd></div>
              <div>
                <dt>Same point last month</dt>
                <dd title={formatUsdExact(d.lastMonthToSamePoint.spentUsd)}>
                  {formatUsd(d.lastMonthToSamePoint.spentMicros)}
                  {change(d.monthToDate.spentMicros, d.lastMonthToSamePoint.spentMicros) !== null ? ` (this month ${formatPercent(change(d.monthToDate.spentMicros, d.lastMonthToSamePoint.spentMicros))} against it)` : ''}
                </dd>
              </div>
              <div><dt>Projected month end</dt><dd data-testid="projected-month-end" title={d.projectedMonthEnd.method}>{formatUsd(d.projectedMonthEnd.micros)} <span className="muted small">({d.projectedMonthEnd.method})</span></dd></div>
              {d.budget ? <div><dt>Budget</dt><dd>{d.budget.name}: {formatUsdExact(d.budget.amountUsd)}</dd></div> : null}
            </dl>
            <MonthToDateChart data={d} />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
