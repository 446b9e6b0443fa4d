'use client';

import type { SpendByModel } from '@/lib/analytics/spend-by-model';
import { useAnalytics } from '@/lib/client/use-analytics';
import { useTableSort } from '@/lib/client/use-table-sort';
import { SpendByModelChart } from '../charts/SpendByModelChart';
import { formatCount, formatModel, formatSpend, formatTokens, formatUsd, formatUsdExact } from '../format';
import { describeChange } from '../StatCard';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';

type Row = SpendByModel['rows'][number];

const COLUMNS: Record<string, (r: Row) => number | string> = {
  model: (r) => r.model, path: (r) => r.servingPath, requests: (r) => r.requests, prompt: (r) => r.promptTokens,
  cached: (r) => r.cachedTokens, completion: (r) => r.completionTokens, spend: (r) => r.spendMicros, unpriced: (r) => r.unpricedRequests,
  change: (r) => r.spendMicros - r.previousSpendMicros,
};

function ModelTable({ rows }: { rows: Row[] }) {
  const { sorted, header } = useTableSort('spend-by-model', rows, COLUMNS);
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data" data-testid="spend-by-model">
        <thead>
          <tr>
            {header('model', 'Model')}{header('path', 'Serving path')}{header('requests', 'Requests', true)}{header('prompt', 'Prompt tokens', true)}
            {header('cached', 'Cached tokens', true)}{header('completion', 'Completion tokens', true)}{header('spend', 'Spend', true)}{header('unpriced', 'Unpriced', true)}{header('change', 'vs previous period', true)}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={`${r.model}|${r.servingPath}`}>
              <td title={r.model}>{formatModel(r.model)}</td>
              <td>{r.servingPath}</td>
              <td className="num">{formatCount(r.requests)}</td>
              <td className="num" title={formatCount(r.promptTokens)}>{formatTokens(r.promptTokens)}</td>
              <td className="num" title={formatCount(r.cachedTokens)}>{formatTokens(r.cachedTokens)}</td>
              <td className="num" title={formatCount(r.completionTokens)}>{formatTokens(r.completionTokens)}</td>
              <td className="num" title={formatUsdExact(r.spendUsd)}>{formatSpend(r)}</td>
              <td className={r.unpricedRequests ? 'num unpriced' : 'num'}>{formatCount(r.unpricedRequests)}</td>
              <td className="num" title={`previous period ${formatUsd(r.previousSpendMicros)}`}>{describeChange(r.spendMicros, r.previousSpendMicros, 'relative', formatUsd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SpendByModelPanel() {
  const query = useAnalytics<SpendByModel>('spend/by-model');
  return (
    <Panel title="Spend by model and serving path" note="Prompt tokens include cached tokens. Unpriced calls are counted, never shown as $0." wide>
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {({ rows }) => (
          <>
            <SpendByModelChart rows={rows} />
            <ModelTable rows={rows} />
          </>
        )}
      </QueryState>
    </Panel>
  );
}
