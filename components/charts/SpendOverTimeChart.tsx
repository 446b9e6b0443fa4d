'use client';

import { OTHER, type GroupedSpendOverTime } from '@/lib/analytics/spend-over-time';
import { SERVING_PATH_INFO, type ServingPath } from '@/lib/pricing/serving-paths';
import { formatModel, formatUsdAxis, formatUsdPrecise, SERIES_PALETTE, SERVING_PATH_COLORS } from '../format';
import { StackedTimeChart } from './StackedTimeChart';

const label = (data: GroupedSpendOverTime, g: string) => {
  if (data.groupBy === 'servingPath') return SERVING_PATH_INFO[g as ServingPath]?.label ?? g;
  if (g === '') return '(none)';
  return data.groupBy === 'model' && g !== OTHER ? formatModel(g) : g;
};

/** Spend per bucket, stacked by the chosen dimension; the tooltip shows exact dollars. */
export function SpendOverTimeChart({ data }: { data: GroupedSpendOverTime }) {
  // only the groups this range has (Batch is history; most accounts use two or three paths)
  const shown = data.groups.filter((g) => data.points.some((point) => (point[g] ?? 0) !== 0));
  const series = shown.map((g, i) => ({
    key: g,
    name: label(data, g),
    colour: data.groupBy === 'servingPath' ? SERVING_PATH_COLORS[g as ServingPath] : SERIES_PALETTE[i % SERIES_PALETTE.length]!,
  }));
  return <StackedTimeChart points={data.points} bucket={data.bucket} series={series} height={280} yLabel="spend (USD)" formatAxis={formatUsdAxis} formatValue={formatUsdPrecise} />;
}
