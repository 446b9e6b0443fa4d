'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RateLimitRefusals } from '@/lib/analytics/rate-limit-refusals';
import { formatCount, formatTime } from '../format';
import { stackedStep } from './stacked-steps';
import { timeTickInterval } from './time-axis';

export const REFUSAL_SERIES = [
  { key: 'rateLimited', label: '429 rate limited', colour: '#f59e0b' },
  { key: 'overloaded', label: '503 overloaded', colour: '#ef4444' },
  { key: 'paymentRequired', label: '402 spending cap', colour: '#a855f7' },
] as const;

/** Calls Fireworks turned away per bucket, stacked by why. */
export function RefusalsChart({ data }: { data: RateLimitRefusals }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <AreaChart data={data.points} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, data.bucket)} interval={timeTickInterval(data.points.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis tickFormatter={(n: number) => formatCount(n)} allowDecimals={false} stroke="var(--muted)" fontSize={12} width={60} label={{ value: 'calls', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => formatCount(Number(v))} labelFormatter={(t) => formatTime(Number(t), data.bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        {REFUSAL_SERIES.map((s) => (
          <Area key={s.key} dataKey={s.key} name={s.label} stackId="refusals" {...stackedStep(s.colour)} />
        ))}
      </AreaChart>
    </ResponsiveContainer>
  );
}
