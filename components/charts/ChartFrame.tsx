'use client';

import { useState, type ReactNode } from 'react';

export interface TableColumn<R> {
  key: string;
  name: string;
  value: (row: R) => string;
  numeric?: boolean;
}

/** A chart's figures as a table, for reading exact values and for screen readers. */
export function ChartTable<R>({ rows, columns, rowKey }: { rows: readonly R[]; columns: readonly TableColumn<R>[]; rowKey: (row: R) => string | number }) {
  return (
    <div className="table-scroll" tabIndex={0} style={{ maxHeight: 320 }}>
      <table className="data compact">
        <thead>
          <tr>{columns.map((c) => <th key={c.key} className={c.numeric ? 'num' : undefined}>{c.name}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.value(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every chart's frame: the chart, or (one click away) the same figures as a table. */
export function ChartFrame({ chart, table }: { chart: ReactNode; table: ReactNode }) {
  const [asTable, setAsTable] = useState(false);
  return (
    <>
      <button type="button" className="link-button small" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
        {asTable ? 'Show as chart' : 'Show as table'}
      </button>
      {asTable ? table : chart}
    </>
  );
}
