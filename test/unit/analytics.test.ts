import assert from 'node:assert/strict';
import { rerunMigrationUpdates } from '../support/migrations';
import { assertRollupsMatchRaw } from '../support/rollups';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { NewRequestRow, RequestRow } from '@/db/schema';
import { requests } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { overviewTotals } from '@/lib/analytics/overview';
import { rateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { spendOverTimeByServingPath } from '@/lib/analytics/spend-over-time';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { picoToMicros, picoToUsdString, sumPico } from '@/lib/money';
import { Recorder } from '@/lib/recorder/recorder';
import { dropRawRowsBefore } from '@/lib/recorder/retention';
import { createRandom } from '@/lib/seed/synthetic-calls';

const T0 = Date.UTC(2026, 9, 1);
let db: Db;
let raw: RequestRow[];

const rng = createRandom;

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-analytics-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db);
  const r = rng(3);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < 6000; i++) {
    const prompt = Math.floor(r() * 5000);
    const cached = Math.floor(prompt * r());
    const status = pick([200, 200, 200, 200, 200, 429, 503, 499, 401, 402]);
    const ok = status === 200;
    const priced = ok && r() > 0.1;
    const row: NewRequestRow = {
      startedAt: T0 + Math.floor(r() * 20 * 86_400_000), durationMs: 100, endpoint: 'chat/completions',
      model: pick(['m/a', 'm/b', 'r/a-fast']), servingPath: pick(['standard', 'priority', 'fast']), region: pick(['global', 'us']),
      stream: false, status, apiKey: pick(['k1', 'k2', 'k3']), team: pick(['search', 'support', null]), project: pick(['p', null]),
      environment: pick(['prod', null]), sessionAffinity: pick(['s1', 's2', null]),
      promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? cached : null, completionTokens: ok ? Math.floor(r() * 300) : null,
      // exact pico-dollars, most with digits below a micro-dollar
      costTotalPico: priced ? Math.floor(r() * 50_000_000_000) : null, cacheSavingsPico: priced ? Math.floor(r() * 900_000_000) : null,
      standardCostPico: priced && r() > 0.3 ? Math.floor(r() * 40_000_000_000) : null,
      limitPromptTpm: ok ? pick([3_600_000, 7_200_000]) : null,
    };
    recorder.record(row);
    if (i % 700 === 0) recorder.flush(); // several batches, like real traffic
  }
  recorder.close();
  raw = db.select().from(requests).all();
  assert.equal(raw.length, 6000, 'every recorded row written');
});

function filters(over: Partial<Record<string, string | string[]>>): Filters {
  return filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 20 * 86_400_000).toISOString(), ...over });
}

function bruteForce(f: Filters) {
  const rows = raw.filter((r) => r.startedAt >= f.from.getTime() && r.startedAt < f.to.getTime() && (!f.apiKey.length || f.apiKey.includes(r.apiKey)) && (!f.team.length || f.team.includes(r.team ?? '')) && (!f.model.length || f.model.includes(r.model)));
  const sum = (fn: (r: RequestRow) => number | null) => rows.reduce((s, r) => s + (fn(r) ?? 0), 0);
  const exact = (fn: (r: RequestRow) => number | null) => sumPico(rows.map(fn));
  const spend = exact((r) => r.costTotalPico);
  const premium = exact((r) => (r.standardCostPico === null ? 0 : r.costTotalPico! - r.standardCostPico));
  return {
    requests: rows.length,
    spendMicros: picoToMicros(spend),
    spendUsd: picoToUsdString(spend),
    cacheSavingsUsd: picoToUsdString(exact((r) => r.cacheSavingsPico)),
    promptTokens: sum((r) => r.promptTokens),
    cachedTokens: sum((r) => r.cachedPromptTokens),
    unpricedRequests: rows.filter((r) => r.promptTokens !== null && r.costTotalPico === null).length,
    usageUnknownRequests: rows.filter((r) => r.promptTokens === null).length,
    premiumMicros: picoToMicros(premium),
    premiumUsd: picoToUsdString(premium),
    rateLimited: rows.filter((r) => r.status === 429).length,
    paymentRequired: rows.filter((r) => r.status === 402).length,
  };
}

describe('rollups maintained at ingest', () => {
  it('equal a re-aggregation of the raw rows, for every usage rollup', () => {
    assertRollupsMatchRaw(db);
  });

  it('the cost-state migration splits unpriced from usage unknown in every rollup, as the raw rows say', () => {
    const tables = ['usage_hourly', 'usage_daily', 'usage_hourly_compact', 'usage_hourly_by_key', 'usage_daily_by_key', 'usage_quarter_hourly_by_key'];
    // what an older Meter left: hang-ups and errors counted as unpriced, nothing as usage unknown
    for (const t of tables) db.$client.exec(`UPDATE ${t} SET unpriced = unpriced + usage_unknown, usage_unknown = 0`);
    const mixed = db.$client.prepare('SELECT sum(usage_unknown) AS u FROM usage_daily').get() as { u: number };
    assert.equal(mixed.u, 0);
    rerunMigrationUpdates(db, 'cost_states');
    assertRollupsMatchRaw(db);
    const split = db.$client.prepare('SELECT sum(unpriced) AS p, sum(usage_unknown) AS u FROM usage_daily').get() as { p: number; u: number };
    assert.ok(split.p > 0 && split.u > 0, JSON.stringify(split));
  });

  it('give exact totals for ranges that cut hours at both ends, with filters', async () => {
    const r = rng(9);
    for (let i = 0; i < 25; i++) {
      const a = T0 + Math.floor(r() * 19 * 86_400_000);
      const b = a + 1 + Math.floor(r() * 10 * 86_400_000);
      const over: Record<string, string | string[]> = { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
      if (i % 3 === 1) over.apiKey = ['k1', 'k3'];
      if (i % 4 === 2) over.team = 'search';
      if (i % 5 === 3) over.model = 'm/b';
      const f = filters(over);
      const got = (await totalsBy(db, f, []))[0]!;
      const want = bruteForce(f);
      for (const key of Object.keys(want) as (keyof typeof want)[]) assert.equal(got[key], want[key], `${key} for range ${i}`);
    }
  });

  it('totals do not depend on the bucket, and the series sums to the total', async () => {
    for (const span of [3 * 3_600_000, 5 * 86_400_000, 19 * 86_400_000]) {
      const f = filters({ from: new Date(T0 + 1_234_567).toISOString(), to: new Date(T0 + 1_234_567 + span).toISOString(), tz: 'America/New_York' });
      const series = await spendOverTimeByServingPath(db, f);
      const fromSeries = series.points.reduce((s, p) => s + p.standard + p.priority + p.fast + p.batch, 0);
      // the chart's points keep fractions of a micro-dollar; the exact total is the totals' spendUsd
      assert.ok(Math.abs(fromSeries - (await overviewTotals(db, f)).current.spendMicros) <= 0.5 + 1e-6, `${fromSeries}`);
      assert.equal((await overviewTotals(db, f)).current.spendUsd, bruteForce(f).spendUsd);
    }
  });

  it('counts 429, 503 and 402 over time and by key as the raw rows say', async () => {
    for (const span of [3 * 3_600_000, 5 * 86_400_000]) {
      const f = filters({ from: new Date(T0 + 1_234_567).toISOString(), to: new Date(T0 + 1_234_567 + span).toISOString(), tz: 'Asia/Kolkata' });
      const { points, byKey } = await rateLimitRefusals(db, f);
      const inRange = raw.filter((r) => r.startedAt >= f.from.getTime() && r.startedAt < f.to.getTime());
      const count = (rows: RequestRow[], status: number) => rows.filter((r) => r.status === status).length;
      assert.deepEqual(
        points.reduce((s, p) => [s[0]! + p.rateLimited, s[1]! + p.overloaded, s[2]! + p.paymentRequired], [0, 0, 0]),
        [count(inRange, 429), count(inRange, 503), count(inRange, 402)],
      );
      assert.ok(count(inRange, 402) > 0, 'the data has 402s');
      const starts = points.map((p) => p.t);
      assert.deepEqual(starts, [...starts].sort((a, b) => a - b), 'in time order');
      assert.ok(starts.length >= span / (span > 86_400_000 ? 3_600_000 : 60_000), 'every bucket, zeros included');
      for (const k of byKey) {
        const mine = inRange.filter((r) => r.apiKey === k.apiKey);
        assert.deepEqual([k.rateLimited, k.overloaded, k.paymentRequired], [count(mine, 429), count(mine, 503), count(mine, 402)], k.apiKey);
      }
    }
  });

  it('compares with the previous period of the same length', async () => {
    const f = filters({ from: new Date(T0 + 10 * 86_400_000).toISOString(), to: new Date(T0 + 15 * 86_400_000).toISOString() });
    const o = await overviewTotals(db, f);
    assert.equal(o.previous.requests, bruteForce(filters({ from: new Date(T0 + 5 * 86_400_000).toISOString(), to: new Date(T0 + 10 * 86_400_000).toISOString() })).requests);
    assert.ok(o.current.hitRate! > 0 && o.current.hitRate! < 1);
  });

  it('keeps rollup totals when retention drops old raw rows', async () => {
    const whole = filters({ from: new Date(T0).toISOString(), to: new Date(T0 + 20 * 86_400_000).toISOString() });
    const before = (await totalsBy(db, whole, []))[0]!;
    const dropped = dropRawRowsBefore(db, T0 + 10 * 86_400_000);
    assert.ok(dropped > 1000);
    assert.equal((db.$client.prepare('SELECT count(*) AS n FROM requests WHERE started_at < ?').get(T0 + 10 * 86_400_000) as { n: number }).n, 0);
    assert.deepEqual((await totalsBy(db, whole, []))[0], before);
    raw = db.select().from(requests).all();
  });

  it('rejects bad filters with a message', () => {
    assert.throws(() => filtersSchema.parse({ from: 'yesterday', to: 'now' }));
    assert.throws(() => filtersSchema.parse({ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }), /before/);
    assert.throws(() => filtersSchema.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', tz: 'Mars/Base' }), /IANA/);
    assert.throws(() => filtersSchema.parse({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', servingPath: 'turbo' }));
  });
});

describe('spend as shown', () => {
  it('is never $0.00 for calls that could not be priced', async () => {
    const { formatSpend } = await import('@/components/format');
    assert.equal(formatSpend({ spendMicros: 0, requests: 5, unpricedRequests: 0, usageUnknownRequests: 5 }), 'usage unknown');
    assert.equal(formatSpend({ spendMicros: 0, requests: 5, unpricedRequests: 2, usageUnknownRequests: 3 }), 'unpriced');
    assert.equal(formatSpend({ spendMicros: 0, requests: 5, unpricedRequests: 0, usageUnknownRequests: 4 }), '$0.00', 'a zero-priced call is $0.00');
    assert.equal(formatSpend({ spendMicros: 12_345, requests: 5, unpricedRequests: 4, usageUnknownRequests: 0 }), '$0.01');
  });
});
