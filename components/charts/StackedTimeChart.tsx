'use client';

import { useState } from 'react';
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bucket } from '@/lib/analytics/filters';
import { formatTime } from '../format';
import { stackedStep } from './stacked-steps';
import { timeTickInterval } from './time-axis';

export interface StackedSeries {
  key: string;
  name: string;
  colour: string;
}

interface Props<P extends { t: number }> {
  points: P[];
  bucket: Bucket;
  series: readonly StackedSeries[];
  height: number;
  yLabel: string;
  yWidth?: number;
  formatAxis: (value: number) => string;
  formatValue: (value: number) => string;
  /** Counts of things: no fractional ticks. */
  integers?: boolean;
}

/** The same figures as a table, for reading exact values and for screen readers. */
function SeriesTable<P extends { t: number }>({ points, bucket, series, formatValue }: Pick<Props<P>, 'points' | 'bucket' | 'series' | 'formatValue'>) {
  return (
    <div className="table-scroll" tabIndex={0} style={{ maxHeight: 320 }}>
      <table className="data compact">
        <thead>
          <tr><th>Time</th>{series.map((s) => <th key={s.key} className="num">{s.name}</th>)}</tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.t}>
              <td>{formatTime(p.t, bucket)}</td>
              {series.map((s) => <td key={s.key} className="num">{formatValue(Number((p as Record<string, unknown>)[s.key] ?? 0))}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The one frame of every stacked time series: time axis, grid, legend, stacked steps, and "show as table". */
export function StackedTimeChart<P extends { t: number }>(props: Props<P>) {
  const [asTable, setAsTable] = useState(false);
  return (
    <>
      <button type="button" className="link-button small" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
        {asTable ? 'Show as chart' : 'Show as table'}
      </button>
      {asTable ? <SeriesTable {...props} /> : <StackedAreas {...props} />}
    </>
  );
}

function StackedAreas<P extends { t: number }>({ points, bucket, series, height, yLabel, yWidth = 80, formatAxis, formatValue, integers = false }: Props<P>) {
  return (
    <ResponsiveContainer width="100%" height={height}>
      <AreaChart data={points} margin={{ top: 8, right: 32, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, bucket)} interval={timeTickInterval(points.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis tickFormatter={formatAxis} allowDecimals={!integers} stroke="var(--muted)" fontSize={12} width={yWidth} label={{ value: yLabel, angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(t) => formatTime(Number(t), bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', maxHeight: height - 16, overflowY: 'auto' }} wrapperStyle={{ zIndex: 5 }} />
        <Legend />
        {series.map((s) => (
          <Area key={s.key} dataKey={s.key} name={s.name} stackId="stack" {...stackedStep(s.colour)} />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}
