'use client';

import type { CacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { CACHE_COLORS, formatCount, formatTokens } from '../format';
import { StackedTimeChart } from './StackedTimeChart';

const SERIES = [
  { key: 'cachedTokens', name: 'cached', colour: CACHE_COLORS.cached },
  { key: 'uncachedTokens', name: 'not cached', colour: CACHE_COLORS.uncached },
];

/** Prompt tokens per bucket, split into the part served from the cache and the part that was not. */
export function CachedTokensChart({ data }: { data: CacheHitRateOverTime }) {
  return (
    <StackedTimeChart points={data.points} bucket={data.bucket} series={SERIES} height={220} yLabel="prompt tokens" yWidth={64} formatAxis={formatTokens} formatValue={(v) => `${formatCount(v)} tokens`} />
  );
}
