'use client';

import type { CacheHitRateByModel } from '@/lib/analytics/cache-by-model';
import { useAnalytics } from '@/lib/client/use-analytics';
import { formatModel } from '../format';
import { Panel } from '../Panel';
import { QueryState } from '../QueryState';
import { HitRateTable } from './HitRateTable';

export function HitRateByModelPanel() {
  const query = useAnalytics<CacheHitRateByModel>('cache/by-model');
  return (
    <Panel title="Hit rate by model" note="Each model has its own cache; most prompt tokens first.">
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0} empty="No prompt tokens in this range.">
        {({ rows }) => <HitRateTable rows={rows} label="Model" name={(r) => <span title={r.model}>{formatModel(r.model)}</span>} rowKey={(r) => r.model} testId="cache-by-model" />}
      </QueryState>
    </Panel>
  );
}
