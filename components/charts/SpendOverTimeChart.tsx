'use client';

import type { SpendOverTime } from '@/lib/analytics/spend-over-time';
import { SERVING_PATH_INFO, SERVING_PATHS } from '@/lib/pricing/serving-paths';
import { formatUsdAxis, formatUsdPrecise, SERVING_PATH_COLORS } from '../format';
import { StackedTimeChart } from './StackedTimeChart';

/** Spend per bucket, stacked by serving path; the tooltip shows exact dollars. */
export function SpendOverTimeChart({ data }: { data: SpendOverTime }) {
  // only the paths this range has: Batch is history, and most accounts use two or three paths
  const series = SERVING_PATHS.filter((p) => data.points.some((point) => point[p] !== 0)).map((p) => ({ key: p, name: SERVING_PATH_INFO[p].label, colour: SERVING_PATH_COLORS[p] }));
  return <StackedTimeChart points={data.points} bucket={data.bucket} series={series} height={280} yLabel="spend (USD)" formatAxis={formatUsdAxis} formatValue={formatUsdPrecise} />;
}
