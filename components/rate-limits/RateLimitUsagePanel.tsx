'use client';

import { useState } from 'react';
import type { RateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { useAnalytics } from '@/lib/client/use-analytics';
import { METERS, RateLimitChart, type Meter } from '../charts/RateLimitChart';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { ignoredFiltersNote, seriesLabel } from './labels';

/** Tokens per minute against the limit on one meter at a time, for every model or one. */
export function RateLimitUsagePanel() {
  const query = useAnalytics<RateLimitUsageOverTime>('rate-limits/over-time');
  const [meter, setMeter] = useState<Meter>('prompt');
  const [focus, setFocus] = useState('all');
  const note = (
    <>
      Solid (left axis): {query.data?.bucket === 'minute' ? 'tokens used each minute' : `tokens in the busiest minute of each ${query.data?.bucket ?? 'bucket'}`};
      dashed, same colour (right axis): the lowest limit Fireworks reported then, held at the last reported value between calls.
      {query.data && ignoredFiltersNote(query.data.ignoredFilters) ? <> {ignoredFiltersNote(query.data.ignoredFilters)}</> : null}
    </>
  );
  return (
    <Panel title="Tokens per minute against the limit" note={note} wide>
      <QueryState query={query} isEmpty={(d) => d.series.length === 0}>
        {(data) => {
          const labelled = data.series.map((s) => ({ ...s, label: seriesLabel(s) }));
          const shown = focus === 'all' ? labelled : labelled.filter((s) => s.label === focus);
          return (
            <>
              <div className="meter-controls">
                <div role="group" aria-label="Meter" className="toggle-group">
                  {(Object.keys(METERS) as Meter[]).map((m) => (
                    <button key={m} type="button" aria-pressed={meter === m} onClick={() => setMeter(m)}>
                      {METERS[m].label}
                    </button>
                  ))}
                </div>
                <label className="small muted">
                  Series{' '}
                  <select aria-label="Series" value={focus} onChange={(e) => setFocus(e.target.value)}>
                    <option value="all">All ({labelled.length})</option>
                    {labelled.map((s) => (
                      <option key={s.label} value={s.label}>{s.label}</option>
                    ))}
                  </select>
                </label>
              </div>
              <RateLimitChart bucket={data.bucket} series={shown.length ? shown : labelled} meter={meter} />
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}
