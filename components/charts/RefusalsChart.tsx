'use client';

import type { RateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { formatCount } from '../format';
import { StackedTimeChart } from './StackedTimeChart';

const SERIES = [
  { key: 'rateLimited', name: '429 rate limited', colour: '#f59e0b' },
  { key: 'overloaded', name: '503 overloaded', colour: '#ef4444' },
  { key: 'paymentRequired', name: '402 spending cap', colour: '#a855f7' },
];

/** Calls Fireworks turned away per bucket, stacked by why. */
export function RefusalsChart({ data }: { data: RateLimitRefusals }) {
  return <StackedTimeChart points={data.points} bucket={data.bucket} series={SERIES} height={220} yLabel="calls" yWidth={60} formatAxis={formatCount} formatValue={formatCount} integers />;
}
