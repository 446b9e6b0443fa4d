import type { ReactNode } from 'react';
import type { CacheFigures } from '@/lib/analytics/engine/cache-figures';
import { formatCount, formatPercent, formatTokens, formatUsd, formatUsdExact } from '../format';

interface Props<R extends CacheFigures> {
  rows: R[];
  /** Header and cell of the column naming what a row is. */
  label: string;
  name: (row: R) => ReactNode;
  rowKey: (row: R) => string;
  testId: string;
}

/** Prompt-cache figures per row, token-weighted rate first. */
export function HitRateTable<R extends CacheFigures>({ rows, label, name, rowKey, testId }: Props<R>) {
  return (
    <div className="table-scroll" tabIndex={0}>
      <table className="data compact" data-testid={testId}>
        <thead>
          <tr>
            <th>{label}</th><th className="num">Hit rate</th><th className="num">Per request</th><th className="num">Prompt tokens</th>
            <th className="num">Cached tokens</th><th className="num">Savings</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              <td>{name(r)}</td>
              <td className="num"><strong>{formatPercent(r.hitRate)}</strong></td>
              <td className="num muted">{formatPercent(r.perRequestHitRate)}</td>
              <td className="num" title={formatCount(r.promptTokens)}>{formatTokens(r.promptTokens)}</td>
              <td className="num" title={formatCount(r.cachedTokens)}>{formatTokens(r.cachedTokens)}</td>
              <td className="num" title={formatUsdExact(r.savingsUsd)}>{formatUsd(r.savingsMicros)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
