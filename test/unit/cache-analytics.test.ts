import assert from 'node:assert/strict';
import { parseUsdToPico, picoToUsdString, sumPico } from '@/lib/money';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { apiKeyLabels, type NewRequestRow } from '@/db/schema';
import { cacheAffinityComparison } from '@/lib/analytics/cache-affinity';
import { cacheHitRateByApiKey } from '@/lib/analytics/cache-by-api-key';
import { cacheHitRateByModel } from '@/lib/analytics/cache-by-model';
import { cacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { overviewTotals } from '@/lib/analytics/overview';
import { sessionsWithWorstHitRate } from '@/lib/analytics/cache-worst-sessions';
import { spendByApiKey } from '@/lib/analytics/spend-by-api-key';
import { spendByModel } from '@/lib/analytics/spend-by-model';
import { spendByTag } from '@/lib/analytics/spend-by-tag';
import type { UsageTotals } from '@/lib/analytics/engine/totals';
import { Recorder } from '@/lib/recorder/recorder';
import { createRandom } from '@/lib/seed/synthetic-calls';

const H = 3_600_000;
const D = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);
/** Random traffic far from the hand fixture, for the "breakdowns sum to the total" checks. */
const R0 = T0 + 40 * D;
let db: Db;

type Call = { at: number; key: string; model: string; session?: string; prompt?: number; cached?: number; savings?: number; cost?: number | null; status?: number };

// Small enough to work out by hand (see the expected figures in each test).
const FIXTURE: Call[] = [
  { at: T0 + 1 * H, key: 'k1', model: 'm/a', session: 's1', prompt: 1000, cached: 0, savings: 0 },
  { at: T0 + 2 * H, key: 'k1', model: 'm/a', session: 's1', prompt: 1000, cached: 800, savings: 400 },
  { at: T0 + D + H, key: 'k1', model: 'm/a', session: 's1', prompt: 2000, cached: 1800, savings: 900 },
  { at: T0 + 3 * H, key: 'k2', model: 'm/b', session: 's2', prompt: 500, cached: 0, savings: 0 },
  { at: T0 + 4 * H, key: 'k2', model: 'm/b', session: 's2', prompt: 500, cached: 100, savings: 50 },
  { at: T0 + 5 * H, key: 'k1', model: 'm/a', session: 's3', prompt: 4000, cached: 0, savings: 0 }, // one call: not a "worst session"
  { at: T0 + 5 * H, key: 'k3', model: 'm/a', session: 's4', status: 429 }, // two calls, no prompt tokens
  { at: T0 + 6 * H, key: 'k3', model: 'm/a', session: 's4', status: 429 },
  { at: T0 + 2 * H, key: 'k2', model: 'm/a', prompt: 3000, cached: 300, savings: 150 },
  { at: T0 + 6 * H, key: 'k2', model: 'm/b', prompt: 1000, cached: 0, savings: 0 },
  { at: T0 + 7 * H, key: 'k3', model: 'm/a', status: 429 },
  { at: T0 + 8 * H, key: 'k1', model: 'm/c', prompt: 100, cached: 50, cost: null }, // unpriced: no savings either
];

function row(c: Call): NewRequestRow {
  const ok = (c.status ?? 200) < 400;
  const priced = ok && c.cost !== null;
  return {
    startedAt: c.at, durationMs: 100, endpoint: 'chat/completions', model: c.model, servingPath: 'standard', region: 'global',
    stream: false, status: c.status ?? 200, apiKey: c.key, sessionAffinity: c.session ?? null,
    promptTokens: ok ? c.prompt! : null, cachedPromptTokens: ok ? c.cached! : null, completionTokens: ok ? 10 : null,
    costTotalPico: priced ? (c.cost ?? 1000) * 1e6 : null, cacheSavingsPico: priced ? c.savings! * 1e6 : null,
  };
}

const rng = createRandom;

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-cache-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db);
  FIXTURE.forEach((c) => recorder.record(row(c)));
  recorder.flush();
  const r = rng(5);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < 3000; i++) {
    const prompt = Math.floor(r() * 4000);
    const status = pick([200, 200, 200, 200, 429, 499]);
    const ok = status === 200;
    const priced = ok && r() > 0.1;
    recorder.record({
      startedAt: R0 + Math.floor(r() * 10 * D), durationMs: 100, endpoint: 'chat/completions', model: pick(['x/a', 'x/b', 'x/c-fast']),
      servingPath: pick(['standard', 'priority', 'fast']), region: 'global', stream: false, status, apiKey: pick(['r1', 'r2', 'r3']),
      team: pick(['search', 'support', null]), project: pick(['ranker', null]), environment: pick(['prod', 'staging', null]),
      sessionAffinity: pick(['a', 'b', null]), promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? Math.floor(prompt * r()) : null,
      completionTokens: ok ? 50 : null, costTotalPico: priced ? Math.floor(r() * 40_000_000_000) : null,
      cacheSavingsPico: priced ? Math.floor(r() * 500_000_000) : null, standardCostPico: priced && r() > 0.5 ? Math.floor(r() * 30_000_000_000) : null,
    });
    if (i % 500 === 0) recorder.flush();
  }
  recorder.close();
  db.insert(apiKeyLabels).values({ apiKey: 'k1', label: 'Search prod', team: 'search', updatedAt: T0 }).run();
});

function filters(from: number, to: number, over: Record<string, string | string[]> = {}): Filters {
  return filtersSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...over });
}

const close = (got: number | null, want: number, what: string) => assert.ok(got !== null && Math.abs(got - want) < 1e-9, `${what}: ${got} ≠ ${want}`);

describe('prompt-cache questions on a hand-made fixture', () => {
  const twoDays = () => filters(T0, T0 + 2 * D);

  it('hit rate over time: token-weighted and per request per bucket, cached + uncached = prompt', async () => {
    const hourly = await cacheHitRateOverTime(db, twoDays());
    assert.equal(hourly.bucket, 'hour');
    const at2h = hourly.points.find((p) => p.t === T0 + 2 * H)!;
    // 1000 prompt / 800 cached (s1) and 3000 / 300 (no affinity) in the same hour
    assert.equal(at2h.promptTokens, 4000);
    assert.equal(at2h.cachedTokens, 1100);
    assert.equal(at2h.uncachedTokens, 2900);
    close(at2h.hitRate, 1100 / 4000, 'token-weighted');
    close(at2h.perRequestHitRate, (0.8 + 0.1) / 2, 'per request');
    assert.equal(hourly.points.find((p) => p.t === T0 + 7 * H)!.hitRate, null, 'only a 429 that hour');

    const daily = await cacheHitRateOverTime(db, filters(T0, T0 + 20 * D));
    assert.equal(daily.bucket, 'day');
    assert.deepEqual(daily.points.map((p) => [p.t, p.promptTokens, p.cachedTokens]), [[T0, 11_100, 1250], [T0 + D, 2000, 1800]]);
    close(daily.points[1]!.hitRate, 0.9, 'day 2');
  });

  it('hit rate over time per group: each group token-weighted, the totals unchanged', async () => {
    const plain = await cacheHitRateOverTime(db, twoDays());
    const byKey = await cacheHitRateOverTime(db, { ...twoDays(), groupBy: 'apiKey' });
    assert.deepEqual(byKey.points, plain.points);
    assert.deepEqual(byKey.byGroup!.groups, ['k1', 'k2']); // k3 has no prompt tokens: nothing to draw
    const at2h = byKey.byGroup!.points.find((p) => p.t === T0 + 2 * H)!;
    close(at2h.k1!, 0.8, 'k1 at 2h');
    close(at2h.k2!, 0.1, 'k2 at 2h');
    assert.equal(byKey.byGroup!.points.find((p) => p.t === T0 + 1 * H)!.k2, null, 'k2 made no call at 1h');
    const byModel = await cacheHitRateOverTime(db, { ...filters(T0, T0 + 20 * D), groupBy: 'model' });
    assert.deepEqual(byModel.byGroup!.groups, ['m/a', 'm/b', 'm/c']);
    close(byModel.byGroup!.points[0]!['m/a']!, (800 + 300 + 0 + 0) / (1000 + 1000 + 4000 + 3000), 'm/a on day 1');
  });

  it('hit rate by model and by API key, with labels, most prompt tokens first', async () => {
    const models = (await cacheHitRateByModel(db, twoDays())).rows;
    assert.deepEqual(models.map((m) => [m.model, m.promptTokens, m.cachedTokens, m.savingsMicros]), [
      ['m/a', 11_000, 2900, 1450],
      ['m/b', 2000, 100, 50],
      ['m/c', 100, 50, 0],
    ]);
    close(models[0]!.hitRate, 2900 / 11_000, 'm/a');
    const keys = (await cacheHitRateByApiKey(db, twoDays())).rows;
    assert.deepEqual(keys.map((k) => [k.apiKey, k.label, k.team, k.promptTokens, k.cachedTokens]), [
      ['k1', 'Search prod', 'search', 8100, 2650],
      ['k2', null, null, 5000, 400],
    ]);
  });

  it('splits calls by session affinity and estimates the missed savings', async () => {
    const a = await cacheAffinityComparison(db, twoDays());
    assert.deepEqual([a.withAffinity.requests, a.withAffinity.promptTokens, a.withAffinity.cachedTokens, a.withAffinity.savingsMicros], [8, 9000, 2700, 1350]);
    assert.deepEqual([a.withoutAffinity.requests, a.withoutAffinity.promptTokens, a.withoutAffinity.cachedTokens, a.withoutAffinity.savingsMicros], [4, 4100, 350, 150]);
    close(a.withAffinity.hitRate, 0.3, 'with affinity');
    close(a.withAffinity.perRequestHitRate, (0 + 0.8 + 0.9 + 0 + 0.2 + 0) / 6, 'with affinity, per request');
    close(a.withoutAffinity.hitRate, 350 / 4100, 'without affinity');
    close(a.savingsPerCachedTokenMicros, 1500 / 3050, 'savings per cached token');
    // 4100 × (0.3 − 350/4100) = 1230 − 350 = 880 cached tokens; × 1500/3050 µ$ = 432.8 µ$
    assert.deepEqual(a.missedSavings, { extraCachedTokens: 880, estimateMicros: 433 });
  });

  it('missed savings: none when every call has affinity, unknown without affinity calls, never negative', async () => {
    assert.deepEqual((await cacheAffinityComparison(db, filters(T0 + 3 * H, T0 + 5 * H))).missedSavings, { extraCachedTokens: 0, estimateMicros: 0 });
    assert.equal((await cacheAffinityComparison(db, filters(T0 + 6 * H, T0 + 9 * H))).missedSavings, null);
    // k1 before 9 h: affinity 6000 prompt / 800 cached (13%), no affinity 100 / 50 (50%): nothing missed
    const better = await cacheAffinityComparison(db, filters(T0, T0 + 9 * H, { apiKey: 'k1', model: ['m/a', 'm/c'] }));
    assert.ok(better.withoutAffinity.hitRate! > better.withAffinity.hitRate!, 'fixture: no-affinity calls do better here');
    assert.deepEqual(better.missedSavings, { extraCachedTokens: 0, estimateMicros: 0 });
  });

  it('worst sessions: active in the range, lifetime totals, lowest token-weighted rate first, at least 2 calls', async () => {
    const worst = await sessionsWithWorstHitRate(db, twoDays());
    assert.deepEqual(worst.rows.map((s) => [s.session, s.requests, s.promptTokens, s.cachedTokens, s.apiKey, s.model]), [
      ['s2', 2, 1000, 100, 'k2', 'm/b'],
      ['s1', 3, 4000, 2600, 'k1', 'm/a'],
    ]);
    assert.equal(worst.rows[1]!.label, 'Search prod');
    assert.deepEqual([worst.rows[1]!.firstSeen, worst.rows[1]!.lastSeen], [T0 + H, T0 + D + H]);
    close(worst.rows[0]!.hitRate, 0.1, 's2');

    // Day two alone: only s1 was active, and it is shown with its whole life's totals.
    assert.deepEqual((await sessionsWithWorstHitRate(db, filters(T0 + D, T0 + 2 * D))).rows.map((s) => [s.session, s.requests]), [['s1', 3]]);
    // Between s2's calls and s1's last: both were active; before either began, or after both ended, none.
    assert.deepEqual((await sessionsWithWorstHitRate(db, filters(T0 + 3 * H + 1, T0 + 4 * H))).rows.map((s) => s.session), ['s2', 's1']);
    assert.deepEqual((await sessionsWithWorstHitRate(db, filters(T0, T0 + H))).rows, []);
    assert.deepEqual((await sessionsWithWorstHitRate(db, filters(T0 + D + H + 1, T0 + 2 * D))).rows, []);
  });

  it('worst sessions walk the hit-rate index, never sort the whole table', () => {
    const plan = db.$client
      .prepare(`EXPLAIN QUERY PLAN SELECT * FROM session_totals WHERE requests >= 2 AND prompt_tokens > 0 AND last_seen >= 0 AND first_seen < 1
        ORDER BY CAST(cached_tokens AS REAL) / prompt_tokens, prompt_tokens DESC, session_affinity, api_key, model LIMIT 20`)
      .all()
      .map((r) => (r as { detail: string }).detail)
      .join('\n');
    assert.match(plan, /session_totals_worst_hit_rate/);
    assert.doesNotMatch(plan, /TEMP B-TREE/);
  });

  it('worst sessions honour key and model filters and name the filters they cannot apply', async () => {
    const k1 = await sessionsWithWorstHitRate(db, filters(T0, T0 + 2 * D, { apiKey: 'k1', team: 'search', region: 'us' }));
    assert.deepEqual(k1.rows.map((s) => s.session), ['s1']);
    assert.deepEqual(k1.ignoredFilters, ['team', 'region']);
    assert.deepEqual((await sessionsWithWorstHitRate(db, filters(T0, T0 + 2 * D, { model: 'm/b' }))).rows.map((s) => s.session), ['s2']);
  });
});

describe('spend breakdowns add up to the overview totals', () => {
  const SUMMED = ['requests', 'unpricedRequests', 'promptTokens', 'cachedTokens', 'completionTokens'] as const;
  const sum = (rows: UsageTotals[], k: (typeof SUMMED)[number]) => rows.reduce((s, r) => s + r[k], 0);
  // money adds up exactly, in the exact amounts (the rounded micro-dollars of each row need not)
  const EXACT = ['spendUsd', 'cacheSavingsUsd', 'premiumUsd'] as const;
  const sumExact = (rows: UsageTotals[], k: (typeof EXACT)[number]) => picoToUsdString(sumPico(rows.map((r) => parseUsdToPico(r[k])!)));

  it('by model and serving path, by API key and by tag, over ranges cutting hours, with filters', async () => {
    const ranges: [number, number, Record<string, string | string[]>][] = [
      [R0 + 1_234_567, R0 + 3 * H + 7, {}], // minute buckets: raw rows only
      [R0 + 1_234_567, R0 + 4 * D + 999, {}],
      [R0 - D, R0 + 11 * D, { team: 'search' }],
      [R0 + 2 * D + 17, R0 + 9 * D - 17, { servingPath: ['priority', 'fast'], apiKey: 'r2' }],
    ];
    for (const [from, to, over] of ranges) {
      const f = filters(from, to, over);
      const total = (await overviewTotals(db, f)).current;
      assert.ok(total.requests > 0);
      for (const [name, rows] of [['model', (await spendByModel(db, f)).rows], ['api key', (await spendByApiKey(db, f)).rows], ['tag', (await spendByTag(db, f)).rows]] as const) {
        for (const k of SUMMED) assert.equal(sum(rows, k), total[k], `${k} by ${name} for ${new Date(from).toISOString()}`);
        for (const k of EXACT) assert.equal(sumExact(rows, k), total[k], `${k} by ${name} for ${new Date(from).toISOString()}`);
      }
    }
  });

  it('tags missing from a call are grouped as empty strings and keys without a label have null label', async () => {
    const f = filters(R0, R0 + 11 * D);
    const tags = (await spendByTag(db, f)).rows;
    assert.ok(tags.some((t) => t.team === '' && t.project === '' && t.environment === ''));
    assert.equal(new Set(tags.map((t) => `${t.team}|${t.project}|${t.environment}`)).size, tags.length);
    assert.ok((await spendByApiKey(db, f)).rows.every((k) => k.label === null && k.team === null));
    const models = (await spendByModel(db, f)).rows;
    assert.ok(models.every((m) => typeof m.servingPath === 'string' && !('serving_path' in m)));
    assert.deepEqual(models.map((m) => m.spendMicros), models.map((m) => m.spendMicros).sort((a, b) => b - a), 'largest spend first');
  });
});
