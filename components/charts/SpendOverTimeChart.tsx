'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { stackedStep } from './stacked-steps';
import { timeTickInterval } from './time-axis';
import type { SpendOverTime } from '@/lib/analytics/spend-over-time';
import { SERVING_PATH_INFO, SERVING_PATHS } from '@/lib/pricing/serving-paths';
import { formatTime, formatUsd, formatUsdExact, SERVING_PATH_COLORS } from '../format';


/** Spend per bucket, stacked by serving path; the tooltip shows exact dollars. */
export function SpendOverTimeChart({ data }: { data: SpendOverTime }) {
  // only the paths this range has: Batch is history, and most accounts use two or three paths
  const paths = SERVING_PATHS.filter((p) => data.points.some((point) => point[p] !== 0));
  return (
    <ResponsiveContainer width="100%" height={280}>
      <AreaChart data={data.points} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, data.bucket)} interval={timeTickInterval(data.points.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis tickFormatter={(m: number) => formatUsd(m)} stroke="var(--muted)" fontSize={12} width={80} label={{ value: 'spend (USD)', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => formatUsdExact(Number(v))} labelFormatter={(t) => formatTime(Number(t), data.bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        {paths.map((p) => (
          <Area key={p} dataKey={p} name={SERVING_PATH_INFO[p].label} stackId="spend" {...stackedStep(SERVING_PATH_COLORS[p])} />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}
