'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, ChartTable, type TableColumn } from './ChartFrame';
import { seriesColour, seriesLabel } from './series-groups';
import { timeTickInterval } from './time-axis';
import type { CacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { CACHE_COLORS, formatPercent, formatTime } from '../format';

const axisPercent = (rate: number) => `${Math.round(rate * 100)}%`;

interface RateLine {
  key: string;
  name: string;
  colour: string;
  dashed?: boolean;
}

type Row = { t: number } & Record<string, number | null>;

/**
 * Token-weighted hit rate (the one to read) with the per-request mean beside it, dashed; or, split
 * by a group, one token-weighted line per group.
 */
export function CacheHitRateChart({ data }: { data: CacheHitRateOverTime }) {
  const grouped = data.byGroup;
  const lines: RateLine[] = grouped
    ? grouped.groups.map((g, i) => ({ key: g, name: seriesLabel(grouped.groupBy, g), colour: seriesColour(grouped.groupBy, g, i) }))
    : [
        { key: 'hitRate', name: 'Token-weighted hit rate', colour: CACHE_COLORS.hitRate },
        { key: 'perRequestHitRate', name: 'Per-request hit rate', colour: CACHE_COLORS.perRequestHitRate, dashed: true },
      ];
  const rows: Row[] = grouped ? grouped.points : data.points.map((p) => ({ ...p }));
  const columns: TableColumn<Row>[] = [
    { key: 't', name: 'Time', value: (p) => formatTime(p.t, data.bucket) },
    ...lines.map((l) => ({ key: l.key, name: l.name, numeric: true, value: (p: Row) => formatPercent(p[l.key] ?? null) })),
  ];
  return <ChartFrame chart={<RateLines rows={rows} lines={lines} bucket={data.bucket} />} table={<ChartTable rows={rows} columns={columns} rowKey={(p) => p.t} />} />;
}

function RateLines({ rows, lines, bucket }: { rows: Row[]; lines: RateLine[]; bucket: CacheHitRateOverTime['bucket'] }) {
  // A few points would be invisible as bare line segments (one bucket draws no line at all).
  const dots = rows.length <= 48 ? { r: 3 } : false;
  return (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, bucket)} interval={timeTickInterval(rows.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis domain={[0, 1]} tickFormatter={axisPercent} stroke="var(--muted)" fontSize={12} width={64} label={{ value: 'hit rate (%)', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => formatPercent(v == null ? null : Number(v))} labelFormatter={(t) => formatTime(Number(t), bucket)} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)', maxHeight: 244, overflowY: 'auto' }} wrapperStyle={{ zIndex: 5 }} />
        <Legend />
        {lines.map((l) => (
          <Line key={l.key} dataKey={l.key} name={l.name} stroke={l.colour} strokeWidth={l.dashed ? 1.5 : 2} strokeDasharray={l.dashed ? '5 4' : undefined} dot={dots} connectNulls isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
