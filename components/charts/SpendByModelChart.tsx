'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ModelSpendRow } from '@/lib/analytics/spend-by-model';
import { SERVING_PATH_INFO, SERVING_PATHS } from '@/lib/pricing/serving-paths';
import { formatModel, formatUsdAxis, formatUsdPrecise, SERVING_PATH_COLORS } from '../format';

const SHOWN = 12;

/**
 * The most expensive (model, serving path) pairs as horizontal bars, coloured by serving path.
 * Each bar sets only its own path's value (the rest null) so the legend and tooltip name the path.
 */
const LABEL_CHARS = 30;

/** A model label cut to fit the axis, the whole name on hover: long ids wrapped over each other. */
function ModelTick({ x = 0, y = 0, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const full = payload?.value ?? '';
  const shown = full.length > LABEL_CHARS ? `${full.slice(0, LABEL_CHARS - 1)}…` : full;
  return (
    <text x={x} y={y} dy={4} textAnchor="end" fontSize={12} fill="var(--muted)">
      <title>{full}</title>
      {shown}
    </text>
  );
}

export function SpendByModelChart({ rows }: { rows: ModelSpendRow[] }) {
  const data = rows
    .filter((r) => r.spendMicros > 0)
    .slice(0, SHOWN)
    .map((r) => ({ name: `${formatModel(r.model)} · ${r.servingPath}`, path: r.servingPath, ...Object.fromEntries(SERVING_PATHS.map((p) => [p, p === r.servingPath ? r.spendMicros : null])) }));
  if (data.length === 0) return null;
  const paths = SERVING_PATHS.filter((p) => data.some((d) => d.path === p));
  return (
    <ResponsiveContainer width="100%" height={60 + data.length * 28}>
      <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 16, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" horizontal={false} />
        <XAxis type="number" tickFormatter={formatUsdAxis} stroke="var(--muted)" fontSize={12} label={{ value: 'spend (USD)', position: 'insideBottom', offset: -8, fontSize: 11 }} />
        <YAxis type="category" dataKey="name" stroke="var(--muted)" fontSize={12} width={210} interval={0} tick={<ModelTick />} />
        <Tooltip formatter={(v) => formatUsdPrecise(Number(v))} contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} />
        <Legend verticalAlign="top" />
        {paths.map((p) => (
          <Bar key={p} dataKey={p} name={SERVING_PATH_INFO[p].label} stackId="spend" fill={SERVING_PATH_COLORS[p]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
