'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, ChartTable, type TableColumn } from './ChartFrame';
import { timeTickInterval } from './time-axis';
import type { Bucket } from '@/lib/analytics/engine/filters';
import type { RateLimitPoint, RateLimitSeries } from '@/lib/analytics/rate-limits-over-time';
import { formatCount, formatTime, formatTokens, SERIES_PALETTE } from '../format';

export type Meter = 'prompt' | 'uncachedPrompt' | 'generated';

export const METERS: Record<Meter, { label: string; used: keyof RateLimitPoint; limit: keyof RateLimitPoint }> = {
  prompt: { label: 'Total prompt', used: 'promptTokens', limit: 'limitPromptTpm' },
  uncachedPrompt: { label: 'Uncached prompt', used: 'uncachedPromptTokens', limit: 'limitUncachedPromptTpm' },
  generated: { label: 'Generated', used: 'generatedTokens', limit: 'limitGeneratedTpm' },
};


interface Props {
  bucket: Bucket;
  series: (RateLimitSeries & { label: string })[];
  meter: Meter;
}

/**
 * Peak tokens per minute on one meter (solid, left axis) and the limit Fireworks reported (dashed,
 * right axis), per series. Usage has its own scale: a 30k/min line under a 3.6M limit would
 * otherwise be flat on the floor. The headroom itself is in the table beside.
 */
export function RateLimitChart({ bucket, series, meter }: Props) {
  const { used, limit } = METERS[meter];
  // One row per bucket, columns "<i>:used" and "<i>:limit" per series. Fireworks only reports a limit
  // on a response, so between calls the line holds the last reported value (drawn as steps).
  const lastLimit: (number | null)[] = series.map(() => null);
  const now = Date.now();
  const rows = (series[0]?.points ?? []).map((p, index) => {
    const row: Record<string, number | null> = { t: p.t };
    series.forEach((s, i) => {
      const point = s.points[index]!;
      lastLimit[i] = (point[limit] as number | null) ?? lastLimit[i]!;
      row[`${i}:used`] = point[used] as number;
      row[`${i}:limit`] = p.t <= now ? lastLimit[i]! : null; // no claim about limits in the future
    });
    return row;
  });
  type Row = (typeof rows)[number];
  const perMinute = (v: number | null | undefined) => (v === null || v === undefined ? 'unknown' : formatCount(v));
  const columns: TableColumn<Row>[] = [
    { key: 't', name: bucket === 'minute' ? 'Minute' : 'Time (busiest minute)', value: (r) => formatTime(r.t!, bucket) },
    ...series.flatMap((s, i) => [
      { key: `${i}:used`, name: `${s.label} used / min`, numeric: true, value: (r: Row) => perMinute(r[`${i}:used`]) },
      { key: `${i}:limit`, name: `${s.label} limit / min`, numeric: true, value: (r: Row) => perMinute(r[`${i}:limit`]) },
    ]),
  ];
  return <ChartFrame chart={<UsageLines rows={rows} bucket={bucket} series={series} />} table={<ChartTable rows={rows} columns={columns} rowKey={(r) => r.t!} />} />;
}

function UsageLines({ rows, bucket, series }: { rows: Record<string, number | null>[]; bucket: Bucket; series: Props['series'] }) {
  return (
    <ResponsiveContainer width="100%" height={300}>
      <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="t" tickFormatter={(t: number) => formatTime(t, bucket)} interval={timeTickInterval(rows.length)} stroke="var(--muted)" fontSize={12} />
        <YAxis yAxisId="used" tickFormatter={(n: number) => formatTokens(n)} stroke="var(--muted)" fontSize={12} width={80} label={{ value: 'used (tokens / min)', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <YAxis yAxisId="limit" orientation="right" tickFormatter={(n: number) => formatTokens(n)} stroke="var(--muted)" fontSize={12} width={80} label={{ value: 'limit (dashed)', angle: 90, position: 'insideRight', fontSize: 11 }} />
        <Tooltip
          formatter={(v) => (v === null || v === undefined ? 'unknown' : `${formatCount(Number(v))} tokens/min`)}
          labelFormatter={(t) => `${formatTime(Number(t), bucket)}${bucket === 'minute' ? '' : ' (busiest minute)'}`}
          contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
        />
        <Legend />
        {series.flatMap((s, i) => {
          const color = SERIES_PALETTE[i % SERIES_PALETTE.length]!;
          return [
            <Line key={`${i}:used`} yAxisId="used" dataKey={`${i}:used`} name={s.label} stroke={color} dot={false} strokeWidth={2} isAnimationActive={false} />,
            <Line key={`${i}:limit`} yAxisId="limit" dataKey={`${i}:limit`} name={`${s.label} limit`} type="stepAfter" stroke={color} strokeDasharray="6 4" dot={false} legendType="none" isAnimationActive={false} />,
          ];
        })}
      </LineChart>
    </ResponsiveContainer>
  );
}
