'use client';

import type { GroupedSpendOverTime } from '@/lib/analytics/spend-over-time';
import { formatUsdAxis, formatUsdPrecise } from '../format';
import { seriesColour, seriesLabel } from './series-groups';
import { StackedTimeChart } from './StackedTimeChart';

/** Spend per bucket, stacked by the chosen dimension; the tooltip shows exact dollars. */
export function SpendOverTimeChart({ data }: { data: GroupedSpendOverTime }) {
  // only the groups this range has (Batch is history; most accounts use two or three paths)
  const shown = data.groups.filter((g) => data.points.some((point) => (point[g] ?? 0) !== 0));
  const series = shown.map((g, i) => ({ key: g, name: seriesLabel(data.groupBy, g), colour: seriesColour(data.groupBy, g, i) }));
  return <StackedTimeChart points={data.points} bucket={data.bucket} series={series} height={280} yLabel="spend (USD)" formatAxis={formatUsdAxis} formatValue={formatUsdPrecise} />;
}
