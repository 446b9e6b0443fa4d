'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BudgetView } from '@/lib/budgets/budget-view';
import { sendJson } from '@/lib/client/send-json';
import { fetchJson } from '@/lib/client/use-analytics';
import { parseUsdToPico, picoToMicros } from '@/lib/money';
import { formatCount, formatDateTime, formatPercent, formatUsd, formatUsdExact } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { BudgetForm } from './BudgetForm';

const scopeText = (b: BudgetView) => {
  const parts = Object.entries(b.scope).map(([k, v]) => `${k}: ${(v as string[]).join(', ')}`);
  return parts.length ? parts.join('; ') : 'whole account';
};

/** Every budget with this period's spend, forecast and state, refreshed every few seconds. */
export function BudgetsPanel({ admin }: { admin: boolean }) {
  const client = useQueryClient();
  const query = useQuery({ queryKey: ['budgets'], queryFn: () => fetchJson<{ budgets: BudgetView[] }>('/api/v1/budgets'), refetchInterval: 5000 });
  const remove = useMutation({
    mutationFn: (id: number) => sendJson('DELETE', `/api/v1/budgets/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['budgets'] }),
  });
  return (
    <Panel title="Budgets" note="Spend is priced spend in the budget's own period and time zone. A blocking budget answers 402 to new calls in its scope once spend reaches its amount; calls already running finish." wide>
      {admin ? <BudgetForm /> : null}
      <QueryState query={query} isEmpty={(d) => d.budgets.length === 0} empty="No budgets yet.">
        {(data) => (
          <div className="table-scroll" tabIndex={0}>
            <table className="data" data-testid="budgets">
              <thead>
                <tr><th>Budget</th><th>Scope</th><th className="num">Spent</th><th className="num">Amount</th><th>Progress</th><th className="num">Forecast</th><th>Status</th><th className="num">Blocked</th><th>Resets</th>{admin ? <th /> : null}</tr>
              </thead>
              <tbody>
                {data.budgets.map((b) => (
                  <tr key={b.id} data-budget={b.id}>
                    <td>{b.name} <span className="muted small">per {b.period}, {b.action === 'block' ? 'blocks' : 'alerts'}</span></td>
                    <td className="small">{scopeText(b)}</td>
                    <td className="num" data-testid="budget-spent">{formatUsdExact(b.spentUsd)}</td>
                    <td className="num">{formatUsdExact(b.amountUsd)}</td>
                    <td><progress max={1} value={Math.min(1, b.fraction)} aria-label={`${b.name}: ${formatPercent(b.fraction)} used`} /> {formatPercent(b.fraction)}</td>
                    <td className="num" title={`${formatUsdExact(b.forecastUsd)}: ${b.forecastMethod}`}>{formatUsd(picoToMicros(parseUsdToPico(b.forecastUsd)!))}</td>
                    <td className={`budget-${b.status}`} data-testid="budget-status">{b.status}</td>
                    <td className="num">{formatCount(b.blockedCalls)}</td>
                    <td className="small">{formatDateTime(Date.parse(b.periodEnd))}</td>
                    {admin ? <td><button type="button" onClick={() => remove.mutate(b.id)} aria-label={`Delete budget ${b.name}`}>Delete</button></td> : null}
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
