'use client';

import type { CacheHitRateByApiKey } from '@/lib/analytics/cache-by-api-key';
import { useAnalytics } from '@/lib/client/use-analytics';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { HitRateTable } from './HitRateTable';

export function HitRateByApiKeyPanel() {
  const query = useAnalytics<CacheHitRateByApiKey>('cache/by-api-key');
  return (
    <Panel title="Hit rate by API key" note="A key is usually one application: a low rate points at the code that builds its prompts.">
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0} empty="No prompt tokens in this range.">
        {({ rows }) => (
          <HitRateTable
            rows={rows}
            label="API key"
            name={(r) => (r.label ? <>{r.label} <span className="muted small">{r.apiKey}</span></> : r.apiKey)}
            rowKey={(r) => r.apiKey}
            testId="cache-by-api-key"
          />
        )}
      </QueryState>
    </Panel>
  );
}
