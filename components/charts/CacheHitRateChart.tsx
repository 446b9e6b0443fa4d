'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, ChartTable, type TableColumn } from './ChartFrame';
import { timeTickInterval } from './time-axis';
import type { CacheHitRateOverTime } from '@/lib/analytics/cache-hit-rate-over-time';
import { CACHE_COLORS, formatPercent, formatTime } from '../format';

const axisPercent = (rate: number) => `${Math.round(rate * 100)}%`;

/** Token-weighted hit rate (the one to read) with the per-request mean beside it, dashed. */
export function CacheHitRateChart({ data }: { data: CacheHitRateOverTime }) {
  type Point = CacheHitRateOverTime['points'][number];
  const columns: TableColumn<Point>[] = [
    { key: 't', name: 'Time', value: (p) => formatTime(p.t, data.bucket) },
    { key: 'hitRate', name: 'Token-weighted hit rate', numeric: true, value: (p) => formatPercent(p.hitRate) },
    { key: 'perRequestHitRate', name: 'Per-request hit rate', numeric: true, value: (p) => formatPercent(p.perRequestHitRate) },
  ];
  return <ChartFrame chart={<HitRateLines data={data} />} table={<ChartTable rows={data.points} columns={columns} rowKey={(p) => p.t} />} />;
}

function HitRateLines({ data }: { data: CacheHitRateOverTime }) {
  // A few points would be invisible as bare line segments (one bucket draws no line at all).
  const dots = data.points.length <= 48 ? { r: 3 } : false;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={data.points} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, data.bucket)} interval={timeTickInterval(data.points.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis domain={[0, 1]} tickFormatter={axisPercent} stroke="var(--muted)" fontSize={12} width={64} label={{ value: 'hit rate (%)', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => formatPercent(v == null ? null : Number(v))} labelFormatter={(t) => formatTime(Number(t), data.bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        <Line dataKey="hitRate" name="token-weighted" stroke={CACHE_COLORS.hitRate} strokeWidth={2} dot={dots} connectNulls isAnimationActive={false} />
        <Line dataKey="perRequestHitRate" name="per request" stroke={CACHE_COLORS.perRequestHitRate} strokeDasharray="5 4" dot={dots} connectNulls isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}
