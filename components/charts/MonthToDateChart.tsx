'use client';

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartFrame, ChartTable, type TableColumn } from './ChartFrame';
import type { SpendForecast } from '@/lib/analytics/spend-forecast';
import { FORECAST_COLORS, formatUsdAxis, formatUsdPrecise } from '../format';

/** Cumulative spend by day of the month, this month against last, with the matching budget's line. */
export function MonthToDateChart({ data }: { data: SpendForecast }) {
  type Day = SpendForecast['days'][number];
  const usd = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatUsdPrecise(v));
  const columns: TableColumn<Day>[] = [
    { key: 'day', name: 'Day of month', value: (d) => String(d.day) },
    { key: 'thisMonth', name: 'This month (cumulative)', numeric: true, value: (d) => usd(d.thisMonth) },
    { key: 'lastMonth', name: 'Last month (cumulative)', numeric: true, value: (d) => usd(d.lastMonth) },
  ];
  return <ChartFrame chart={<MonthLines data={data} />} table={<ChartTable rows={data.days} columns={columns} rowKey={(d) => d.day} />} />;
}

function MonthLines({ data }: { data: SpendForecast }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={data.days} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
        <XAxis dataKey="day" stroke="var(--muted)" fontSize={12} label={{ value: 'day of month', position: 'insideBottom', offset: -4, fontSize: 11 }} />
        <YAxis tickFormatter={formatUsdAxis} stroke="var(--muted)" fontSize={12} width={80} domain={[0, (max: number) => Math.max(max, data.budget?.amountMicros ?? 0)]} />
        <Tooltip formatter={(v) => formatUsdPrecise(Number(v))} labelFormatter={(d) => `day ${String(d)}`} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend />
        <Line dataKey="lastMonth" name="last month" stroke={FORECAST_COLORS.lastMonth} strokeDasharray="4 3" dot={false} isAnimationActive={false} />
        <Line dataKey="thisMonth" name="this month" stroke={FORECAST_COLORS.thisMonth} strokeWidth={2} dot={false} isAnimationActive={false} />
        {data.budget ? <ReferenceLine y={data.budget.amountMicros} stroke={FORECAST_COLORS.budget} label={{ value: `budget ${data.budget.name}`, position: 'insideTopLeft', fontSize: 11 }} /> : null}
      </LineChart>
    </ResponsiveContainer>
  );
}
