import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { requests, type RequestRow } from '@/db/schema';
import { rollupsFor } from '@/lib/analytics/engine/facts';
import { filterOptions } from '@/lib/analytics/filter-options';
import { filtersSchema, previousPeriod } from '@/lib/analytics/engine/filters';
import { localDayFacts } from '@/lib/analytics/engine/local-day-facts';
import { raw as rawSql, render, sql } from '@/lib/analytics/engine/sql';
import { moneySum, moneySumSql } from '@/lib/analytics/engine/money-sums';
import { spendByEndpoint } from '@/lib/analytics/spend-by-endpoint';
import { spendOverTime } from '@/lib/analytics/spend-over-time';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { parseQuery } from '@/lib/api/query';
import { apiQuery, filterName, readViewFilters } from '@/lib/client/view-filters';
import { ignoredFiltersNote } from '@/components/rate-limits/labels';
import { picoToMicros, picoToUsdString, sumPico } from '@/lib/money';
import { Recorder } from '@/lib/recorder/recorder';
import { DAY_MS } from '@/lib/rollups/definition';
import { createRandom } from '@/lib/seed/synthetic-calls';
import { endpointLabel, RECORDED_ENDPOINTS } from '@/lib/usage/endpoints';
import { callsOnEveryEndpoint, DAYS, only, range, T0, totalsFromRaw } from '../support/calls-by-endpoint';
import { assertUsageRollupsMatchRaw } from '../support/rollups';

describe('the endpoint filter', () => {
  let db: Db;
  let raw: RequestRow[];
  before(() => {
    db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-endpoints-')), 'meter.db'));
    const recorder = new Recorder(db);
    callsOnEveryEndpoint(5, 4000).forEach((c, i) => {
      recorder.record(c);
      if (i % 600 === 0) recorder.flush(); // several batches, like real traffic
    });
    recorder.close();
    raw = db.select().from(requests).all();
  });

  it('every usage rollup equals the raw rows, the hourly one split by endpoint', () => {
    assertUsageRollupsMatchRaw(db);
    assert.deepEqual(db.$client.prepare('SELECT DISTINCT endpoint FROM usage_hourly ORDER BY 1').pluck().all(), [...RECORDED_ENDPOINTS].sort());
  });

  it('a filter by endpoint equals the raw rows\' totals, whatever the range\'s edges', async () => {
    const r = createRandom(17);
    const keys = ['requests', 'spendUsd', 'cacheSavingsUsd', 'promptTokens', 'rateLimited', 'unpricedRequests'];
    for (let i = 0; i < 20; i++) {
      const a = T0 + Math.floor(r() * (DAYS - 1) * DAY_MS);
      const b = a + 1 + Math.floor(r() * 4 * DAY_MS);
      const over: Record<string, string | string[]> = { endpoint: i % 3 === 0 ? ['embeddings', 'messages'] : RECORDED_ENDPOINTS[i % 4]! };
      if (i % 4 === 1) over.model = 'm/b';
      if (i % 5 === 2) over.team = 'search';
      const f = range(a, b, over);
      // with tags: the full hourly rollup; by endpoint and model alone: the compact one, days included
      assert.equal(rollupsFor(f, []).hourly.table, over.team ? 'usage_hourly' : 'usage_hourly_compact', 'read from a rollup that keeps the endpoint');
      assert.equal(rollupsFor(f, []).daily.table, rollupsFor(f, []).hourly.table, 'whole days from the hourly rollup too');
      assert.deepEqual(only((await totalsBy(db, f, []))[0]!, keys), totalsFromRaw(raw, f), `range ${i}`);
    }
  });

  it('a filter by endpoint holds in local days too, in a half-hour zone and one west of UTC', () => {
    for (const tz of ['Asia/Kolkata', 'America/New_York']) {
      const f = range(T0 + 5_000_000, T0 + 4 * DAY_MS + 1_234_567, { endpoint: 'chat/completions', tz });
      const facts = localDayFacts(f, ['endpoint']);
      const { text, params } = render(sql`SELECT endpoint, sum(sign * requests) AS requests, ${rawSql(moneySumSql('cost', 'spend', 'sign * '))} FROM (${facts.sql}) GROUP BY endpoint HAVING sum(sign * requests) != 0`, 'sqlite');
      const sums = db.$client
        .prepare(text)
        .all(...params) as ({ endpoint: string; requests: number } & Parameters<typeof moneySum<'spend'>>[0])[];
      assert.deepEqual(sums.map((s) => s.endpoint), ['chat/completions'], tz);
      assert.equal(sums[0]!.requests, totalsFromRaw(raw, f).requests, tz);
      assert.equal(picoToUsdString(moneySum(sums[0]!, 'spend')), totalsFromRaw(raw, f).spendUsd, tz);
    }
  });

  it('Spend by endpoint gives each endpoint the raw rows\' totals, and spend over time stacked by endpoint sums to them', async () => {
    const f = range(T0 + 1_000_000, T0 + DAYS * DAY_MS - 1_000_000);
    const { rows } = await spendByEndpoint(db, f);
    assert.deepEqual(rows.map((r) => r.endpoint).sort(), [...RECORDED_ENDPOINTS].sort());
    assert.deepEqual(rows.map((r) => r.spendMicros), rows.map((r) => r.spendMicros).sort((a, b) => b - a), 'largest spend first');
    const series = await spendOverTime(db, { ...f, groupBy: 'endpoint' });
    for (const row of rows) {
      const keys = ['requests', 'spendUsd', 'cacheSavingsUsd', 'promptTokens', 'rateLimited', 'unpricedRequests'];
      assert.deepEqual(only(row, keys), totalsFromRaw(raw, { ...f, endpoint: [row.endpoint] }), row.endpoint);
      const fromSeries = series.points.reduce((s, p) => s + (p[row.endpoint] ?? 0), 0);
      assert.ok(Math.abs(fromSeries - row.spendMicros) <= 0.5 + 1e-6, `${row.endpoint}: ${fromSeries} vs ${row.spendMicros}`);
    }
    const before = previousPeriod(f);
    for (const row of rows) {
      const was = raw.filter((r) => r.endpoint === row.endpoint && r.startedAt >= before.from.getTime() && r.startedAt < before.to.getTime());
      assert.equal(row.previousSpendMicros, picoToMicros(sumPico(was.map((r) => r.costTotalPico))), `${row.endpoint} before`);
    }
  });

  it('offers the endpoints calls were recorded on, in the user\'s words', async () => {
    assert.deepEqual((await filterOptions(db)).endpoints, [...RECORDED_ENDPOINTS].sort());
    assert.deepEqual(RECORDED_ENDPOINTS.map(endpointLabel), ['Chat completions', 'Completions', 'Embeddings', 'Messages (Anthropic)']);
    assert.equal(endpointLabel(''), 'not recorded');
    assert.deepEqual(filtersSchema.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', endpoint: 'embeddings' }).endpoint, ['embeddings']);
    assert.throws(() => filtersSchema.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', endpoint: ['', 'embeddings'] }));
  });

  it('travels in the page URL to the API, and pages it does not apply to say so', () => {
    const view = readViewFilters(new URLSearchParams('range=7d&endpoint=embeddings&endpoint=messages'));
    assert.deepEqual(view.lists.endpoint, ['embeddings', 'messages']);
    const query = apiQuery(view, 'UTC', new Date(T0));
    const parsed = parseQuery(filtersSchema, `http://meter/api/v1/spend/by-model?${query}`);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.data.endpoint, ['embeddings', 'messages']);
    assert.equal(filterName('endpoint'), 'endpoint');
    assert.match(ignoredFiltersNote(['endpoint'])!, /^The endpoint filter does not apply here/);
  });
});
