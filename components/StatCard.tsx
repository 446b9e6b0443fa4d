import { formatPercent } from './format';

interface Props {
  label: string;
  value: string;
  /** Current and previous raw values, for the change against the previous period. */
  current?: number | null;
  previous?: number | null;
  /** Whether a rise is good news (savings) or bad (spend is neutral: shown without colour). */
  riseIs?: 'good' | 'bad' | 'neutral';
  /** Rates (0..1) change in percentage points; amounts and counts relatively. */
  compare?: 'relative' | 'points';
  /** Writes an absolute change, shown instead of a percentage when the previous period had too little to compare with. */
  formatAbsolute?: (delta: number) => string;
  testId?: string;
}

/** Below this share of the current figure a previous one is too small for a percentage to mean anything. */
const TOO_LITTLE = 0.05;

export function describeChange(current: number, previous: number, compare: Props['compare'], formatAbsolute: Props['formatAbsolute']): string {
  if (compare === 'points') {
    const points = (current - previous) * 100;
    return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pts`;
  }
  if (current === previous) return 'no change';
  if (previous === 0 || Math.abs(previous) < Math.abs(current) * TOO_LITTLE) {
    const delta = current - previous;
    return formatAbsolute ? `${delta >= 0 ? '+' : '−'}${formatAbsolute(Math.abs(delta))}` : 'new';
  }
  const delta = (current - previous) / Math.abs(previous);
  return `${delta >= 0 ? '+' : ''}${formatPercent(delta)}`;
}

export function StatCard({ label, value, current, previous, riseIs = 'neutral', compare = 'relative', formatAbsolute, testId }: Props) {
  let change: string | null = null;
  let tone = '';
  if (current != null && previous != null) {
    change = describeChange(current, previous, compare, formatAbsolute);
    if (riseIs !== 'neutral' && current !== previous) tone = (current > previous) === (riseIs === 'good') ? 'good' : 'bad';
  }
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {change ? <div className={`stat-change ${tone}`}>{change} vs previous period</div> : null}
    </div>
  );
}
