'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Bucket } from '@/lib/analytics/engine/filters';
import { formatTime } from '../format';
import { ChartFrame, ChartTable, type TableColumn } from './ChartFrame';
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

/** The one frame of every stacked time series: time axis, grid, legend, stacked steps, and "show as table". */
export function StackedTimeChart<P extends { t: number }>(props: Props<P>) {
  const columns: TableColumn<P>[] = [
    { key: 't', name: 'Time', value: (p) => formatTime(p.t, props.bucket) },
    ...props.series.map((s) => ({ key: s.key, name: s.name, numeric: true, value: (p: P) => props.formatValue(Number((p as Record<string, unknown>)[s.key] ?? 0)) })),
  ];
  return <ChartFrame chart={<StackedAreas {...props} />} table={<ChartTable rows={props.points} columns={columns} rowKey={(p) => p.t} />} />;
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
