'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { stackedStep } from './stacked-steps';
import { timeTickInterval } from './time-axis';
import type { CacheHitRateOverTime } from '@/lib/analytics/cache-hit-rate-over-time';
import { CACHE_COLORS, formatCount, formatTime, formatTokens } from '../format';

/** Prompt tokens per bucket, split into the part served from the cache and the part that was not. */
export function CachedTokensChart({ data }: { data: CacheHitRateOverTime }) {
  return (
    <ResponsiveContainer width="100%" height={220}>
      <AreaChart data={data.points} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, data.bucket)} interval={timeTickInterval(data.points.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis tickFormatter={(n: number) => formatTokens(n)} stroke="var(--muted)" fontSize={12} width={64} label={{ value: 'prompt tokens', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => `${formatCount(Number(v))} tokens`} labelFormatter={(t) => formatTime(Number(t), data.bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        <Area dataKey="cachedTokens" name="cached" stackId="prompt" {...stackedStep(CACHE_COLORS.cached)} />
        <Area dataKey="uncachedTokens" name="not cached" stackId="prompt" {...stackedStep(CACHE_COLORS.uncached)} />
      </AreaChart>
    </ResponsiveContainer>
  );
}
