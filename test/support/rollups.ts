import assert from 'node:assert/strict';
import type { Db } from '@/db/client';
import { MEASURES, USAGE_ROLLUPS, rawFactsSelect, rawGroupBy } from '@/lib/rollups/definition';

/** Every usage rollup equals a fresh aggregation of the raw rows it was built from. */
export function assertRollupsMatchRaw(db: Db): void {
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
