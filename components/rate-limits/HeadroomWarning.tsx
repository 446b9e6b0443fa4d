'use client';

import { LOW_HEADROOM, lowHeadroomRows, type HeadroomRow, type RateLimitHeadroom } from '@/lib/analytics/rate-limit-headroom';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatPercent, formatTime } from '../format';
import { seriesLabel } from './labels';

const METER_NAMES: Record<keyof HeadroomRow['headroom'], string> = { prompt: 'total prompt', uncachedPrompt: 'uncached prompt', generated: 'generated' };

function tightest(row: HeadroomRow): string {
  const [meter] = (Object.entries(row.headroom) as [keyof HeadroomRow['headroom'], number | null][])
    .filter(([, h]) => h !== null)
    .sort((a, b) => a[1]! - b[1]!)[0]!;
  return METER_NAMES[meter];
}

/** Shown only when some model came within 20% of a limit; role status, not alert, so it does not clash with Next's route announcer. */
export function HeadroomWarning() {
  const query = useAnalytics<RateLimitHeadroom>('rate-limits/headroom');
  const low = query.data ? lowHeadroomRows(query.data.rows) : [];
  if (!low.length) return null;
  return (
    <div className="warning" role="status" data-testid="headroom-warning">
      <strong>Less than {formatPercent(LOW_HEADROOM)} headroom on a rate limit.</strong> Calls beyond a limit get 429s; limits are adaptive and
      shrink under bursts.
      <ul>
        {low.map((r) => (
          <li key={seriesLabel(r)}>
            {seriesLabel(r)}: {formatPercent(r.lowestHeadroom)} left on the {tightest(r)} meter at {formatTime(r.peak.t, 'minute')}
          </li>
        ))}
      </ul>
    </div>
  );
}
