'use client';

import { LOW_HEADROOM, lowHeadroomRows, type RateLimitHeadroom } from '@/lib/analytics/engine/headroom';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatPercent, formatTime } from '../format';
import { headroomSource, seriesLabel, sourceFigures, tightestMeter } from './labels';

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
            {seriesLabel(r)}: {formatPercent(r.lowestHeadroom)} left on the {tightestMeter(sourceFigures(r))} meter{' '}
            {r.headroomSource === 'fireworks' ? `${headroomSource(r)}${r.overLimitCalls ? ` (${r.overLimitCalls} calls marked over the limit)` : ''}` : `at ${formatTime(r.peak.t, 'minute')}`}
          </li>
        ))}
      </ul>
    </div>
  );
}
