import assert from 'node:assert/strict';
import type { Db } from '@/db/client';
import { SESSION_ENDPOINTS } from '@/lib/rollups/apply';
import { MEASURES, USAGE_ROLLUPS, rawFactsSelect, rawGroupBy } from '@/lib/rollups/definition';

/** Every usage rollup equals a fresh aggregation of the raw rows it was built from, and so do the session totals. */
export function assertRollupsMatchRaw(db: Db): void {
  assertUsageRollupsMatchRaw(db);
  assertSessionsMatchRaw(db);
}

/** Every usage rollup equals a fresh aggregation of the raw rows it was built from. */
export function assertUsageRollupsMatchRaw(db: Db): void {
  for (const rollup of Object.values(USAGE_ROLLUPS)) {
    const groupBy = rawGroupBy(rollup.dimensions);
    const fresh = db.$client.prepare(`SELECT ${rawFactsSelect(rollup.bucketMs, rollup.dimensions)} FROM requests GROUP BY ${groupBy} ORDER BY ${groupBy}`).all();
    const kept = db.$client
      .prepare(`SELECT ${rollup.timeColumn} AS bucket_start, ${rollup.dimensions.join(', ')}, ${MEASURES.join(', ')} FROM ${rollup.table} ORDER BY ${groupBy}`)
      .all();
    assert.ok(kept.length > 0, `${rollup.table} has rows`);
    assert.deepEqual(kept, fresh, rollup.table);
  }
}

function assertSessionsMatchRaw(db: Db): void {
  // Sessions span many batches: each batch's upsert must add up to the session's whole life.
  const sessionColumns = 'session_affinity, api_key, model, requests, prompt_tokens, cached_tokens, first_seen, last_seen';
  const freshSessions = db.$client
    .prepare(`SELECT session_affinity, api_key, model, count(*) AS requests, coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
        coalesce(sum(cached_prompt_tokens), 0) AS cached_tokens, min(started_at) AS first_seen, max(started_at) AS last_seen
      FROM requests WHERE session_affinity IS NOT NULL AND ${SESSION_ENDPOINTS} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)
    .all();
  assert.deepEqual(db.$client.prepare(`SELECT ${sessionColumns} FROM session_totals ORDER BY 1, 2, 3`).all(), freshSessions, 'session_totals');
}
