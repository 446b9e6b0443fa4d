import { formatPercent } from './format';

interface Props {
  label: string;
  value: string;
  /** Current and previous raw values, for the change against the previous period. */
  current?: number | null;
  previous?: number | null;
  /** Whether a rise is good news (savings) or bad (spend is neutral: shown without colour). */
  riseIs?: 'good' | 'bad' | 'neutral';
  testId?: string;
}

export function StatCard({ label, value, current, previous, riseIs = 'neutral', testId }: Props) {
  let change: string | null = null;
  let tone = '';
  if (current != null && previous != null) {
    if (previous === 0) change = current === 0 ? 'no change' : 'new';
    else {
      const delta = (current - previous) / Math.abs(previous);
      change = `${delta >= 0 ? '+' : ''}${formatPercent(delta)}`;
      if (riseIs !== 'neutral' && delta !== 0) tone = (delta > 0) === (riseIs === 'good') ? 'good' : 'bad';
    }
  }
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {change ? <div className={`stat-change ${tone}`}>{change} vs previous period</div> : null}
    </div>
  );
}
