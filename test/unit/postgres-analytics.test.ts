// The dashboard's questions on PostgreSQL, through the same functions as on SQLite: a few hand-made
// calls are recorded into a SQLite database (the recorder builds its rollups), the calls and the
// rollup rows are copied as they are into a throwaway PostgreSQL cluster (test/support/postgres.ts)
// migrated by db/client-pg.ts, and each question must give the same answer on both (the CSV
// exports: postgres-export.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { PostgresDatabase } from '@/db/client-pg';
import { orm, tablesOf } from '@/db/database';
import { apiKeyLabels, type NewRequestRow } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { execute } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { cacheAffinityComparison } from '@/lib/analytics/cache-affinity';
import { cacheHitRateByApiKey } from '@/lib/analytics/cache-by-api-key';
import { cacheHitRateByModel } from '@/lib/analytics/cache-by-model';
import { cacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { sessionsWithWorstHitRate } from '@/lib/analytics/cache-worst-sessions';
import { filterOptions } from '@/lib/analytics/filter-options';
import { rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { rateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { rateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { spendOverTime } from '@/lib/analytics/spend-over-time';
import { overviewTotals } from '@/lib/analytics/overview';
import { requestLog, requestLogSchema } from '@/lib/analytics/requests';
import { requestDetail } from '@/lib/analytics/requests-id';
import { summaryReport } from '@/lib/analytics/reports-summary';
import { spotEffectiveDiscount } from '@/lib/analytics/spot-effective-discount';
import { spendByApiKey } from '@/lib/analytics/spend-by-api-key';
import { spendByEndpoint } from '@/lib/analytics/spend-by-endpoint';
import { spendByModel } from '@/lib/analytics/spend-by-model';
import { spendByTag } from '@/lib/analytics/spend-by-tag';
import { spendForecast } from '@/lib/analytics/spend-forecast';
import { createBudget } from '@/lib/budgets/store';
import { Recorder } from '@/lib/recorder/recorder';
import { copyTables } from '../support/copy-tables';
import { usePostgresDatabases } from '../support/postgres-databases';

const T0 = Date.UTC(2026, 9, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What is copied: the calls, every usage rollup a question reads, and the key labels. */
const TABLES = ['requests', 'usage_hourly', 'usage_daily', 'usage_hourly_compact', 'usage_hourly_by_key', 'usage_daily_by_key', 'usage_quarter_hourly_by_key', 'session_totals', 'rate_limit_minutely', 'rate_limit_hourly', 'api_key_labels'];

/** Three days of calls: three models and paths, two keys, some refused, some unpriced, prices with digits below a micro-dollar. */
function calls(): NewRequestRow[] {
  const rows: NewRequestRow[] = [];
  const models = ['m/a', 'm/b', 'r/a-fast'] as const;
  const paths = ['standard', 'priority', 'fast'] as const;
  for (let i = 0; i < 240; i++) {
    const status = i % 17 === 0 ? 429 : i % 23 === 0 ? 503 : 200;
    const ok = status === 200;
    const priced = ok && i % 11 !== 0;
    const prompt = 100 + ((i * 37) % 4000);
    rows.push({
      startedAt: T0 + Math.floor((i * 3 * DAY) / 240) + ((i * 7919) % 60_000),
      durationMs: 100 + i,
      endpoint: 'chat/completions',
      model: models[i % 3]!,
      servingPath: paths[(i >> 1) % 3]!,
      region: i % 5 === 0 ? 'us' : 'global',
      stream: i % 2 === 0,
      status,
      apiKey: i % 4 === 0 ? 'k2' : 'k1',
      team: i % 3 === 0 ? 'search' : null,
      sessionAffinity: i % 2 === 0 ? `s${i % 7}` : null,
      user: i % 5 === 0 ? `alice-${i % 3}` : null,
      upstreamId: `cmpl-${String(i).padStart(4, '0')}`,
      limitPromptTpm: ok ? (i % 2 ? 3_600_000 : 7_200_000) : null,
      limitUncachedPromptTpm: ok ? 1_000_000 : null,
      limitGeneratedTpm: ok ? 100_000 : null,
      remainingPromptTokens: ok ? 3_000_000 - ((i * 9_973) % 2_000_000) : null,
      remainingUncachedPromptTokens: ok ? 900_000 - ((i * 7_919) % 800_000) : null,
      remainingGeneratedTokens: ok ? 90_000 - ((i * 131) % 80_000) : null,
      overLimit: ok && i % 29 === 0 ? 'yes' : null,
      promptTokens: ok ? prompt : null,
      cachedPromptTokens: ok ? Math.floor(prompt * ((i % 10) / 10)) : null,
      completionTokens: ok ? 20 + (i % 300) : null,
      costTotalPico: priced ? 1_000_000 * (1000 + i * 13) + ((i * 104_729) % 1_000_000) : null,
      cacheSavingsPico: priced ? 1_000_000 * (i % 90) + ((i * 7) % 1_000_000) : null,
      standardCostPico: priced && i % 3 !== 0 ? 1_000_000 * (800 + i * 11) + 123 : null,
    });
  }
  // Spot calls, some refused, each refusal retried on Standard in the same session a few minutes later
  for (let i = 0; i < 30; i++) {
    const at = T0 + 7 * HOUR + i * 2 * HOUR + ((i * 4_111) % 50_000);
    const refused = i % 3 === 0;
    const spot = {
      durationMs: 200, endpoint: 'chat/completions', region: 'global', stream: false, apiKey: 'k1', sessionAffinity: `spot-${i}`,
      promptTokens: refused ? null : 500 + i, cachedPromptTokens: refused ? null : i, completionTokens: refused ? null : 40,
    } satisfies Partial<NewRequestRow>;
    rows.push({ ...spot, startedAt: at, model: 'm/a-spot', servingPath: 'spot', status: refused ? 503 : 200,
      costTotalPico: refused ? null : 400_000_000 + i * 1_000_003, standardCostPico: refused ? null : 1_000_000_000 + i * 7 });
    if (refused) rows.push({ ...spot, startedAt: at + 3 * 60_000, model: 'm/a', servingPath: 'standard', status: 200, promptTokens: 500, cachedPromptTokens: 0, completionTokens: 40, costTotalPico: 1_000_000_321 });
  }
  return rows;
}

/** Copies each table's rows from SQLite as they are; SQLite's 0/1 become booleans where PostgreSQL's column is one. */
const range = (from: number, to: number, over: Record<string, string | string[]> = {}): Filters =>
  filtersSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...over });

// Whole days (daily rollups), whole hours (hourly ones) and partial hours (raw calls) in one range.
const RANGES: [string, Filters][] = [
  ['three whole days', range(T0, T0 + 3 * DAY)],
  ['cutting hours at both ends', range(T0 + 5 * HOUR + 1_234_567, T0 + 2 * DAY + 7 * HOUR + 2_345)],
  ['hours only, filtered by key', range(T0 + DAY + 3 * HOUR, T0 + DAY + 9 * HOUR + 60_000, { apiKey: 'k2' })],
  ['by team (the full rollups)', range(T0 + 2 * HOUR + 999, T0 + 3 * DAY - HOUR, { team: 'search' })],
];

describe('analytics questions on PostgreSQL', () => {
  const postgres = usePostgresDatabases('analytics');
  let pg: PostgresDatabase;
  let sqlite: Db;

  before(async () => {
    [pg] = (await postgres.fresh(1, { max: 2 })).pools as [PostgresDatabase];
    sqlite = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pg-analytics-')), 'meter.db'));
    const recorder = new Recorder(sqlite);
    for (const row of calls()) recorder.record(row);
    recorder.close();
    sqlite.insert(apiKeyLabels).values({ apiKey: 'k1', label: 'Search prod', team: 'search', updatedAt: T0 }).run();
    await copyTables(sqlite, pg, TABLES);
  });

  after(() => {
    sqlite?.$client.close();
  });

  it('copies every call and rollup row', async () => {
    for (const table of TABLES) {
      const [{ n }] = sqlite.$client.prepare(`SELECT count(*) AS n FROM ${table}`).all() as [{ n: number }];
      const back = await pg.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      assert.equal(Number(back.rows[0]!.n), n, table);
    }
  });

  it('overview totals: the same figures, exact money included, as on SQLite', async () => {
    for (const [name, f] of RANGES) {
      const want = await overviewTotals(sqlite, f);
      assert.ok(want.current.requests > 0, `${name}: some calls in range`);
      assert.deepEqual(await overviewTotals(pg.db, f), want, name);
    }
  });

  it('totals by model and serving path, spend by model, key, tag and endpoint against the previous period', async () => {
    for (const [name, f] of RANGES) {
      assert.deepEqual(await totalsBy(pg.db, f, ['model', 'serving_path']), await totalsBy(sqlite, f, ['model', 'serving_path']), name);
      assert.deepEqual(await spendByModel(pg.db, f), await spendByModel(sqlite, f), name);
      assert.deepEqual(await spendByApiKey(pg.db, f), await spendByApiKey(sqlite, f), name);
      assert.deepEqual(await spendByTag(pg.db, f), await spendByTag(sqlite, f), name);
      assert.deepEqual(await spendByEndpoint(pg.db, f), await spendByEndpoint(sqlite, f), name);
    }
  });

  it('session affinity split (a boolean of the raw calls, an integer in the rollups)', async () => {
    for (const [name, f] of RANGES) assert.deepEqual(await cacheAffinityComparison(pg.db, f), await cacheAffinityComparison(sqlite, f), name);
  });

  it('cache by model and over time, refusals over time and by key, and the filter bar\'s options', async () => {
    for (const [name, f] of RANGES) {
      assert.deepEqual(await cacheHitRateByModel(pg.db, f), await cacheHitRateByModel(sqlite, f), name);
      assert.deepEqual(await cacheHitRateByApiKey(pg.db, f), await cacheHitRateByApiKey(sqlite, f), name);
      assert.deepEqual(await cacheHitRateOverTime(pg.db, { ...f, groupBy: 'model' }), await cacheHitRateOverTime(sqlite, { ...f, groupBy: 'model' }), name);
      assert.deepEqual(await rateLimitRefusals(pg.db, f), await rateLimitRefusals(sqlite, f), name);
    }
    assert.deepEqual(await filterOptions(pg.db), await filterOptions(sqlite));
  });

  it('spend over time: the same series (PostgreSQL adds the micro-dollar fractions in numeric, SQLite in doubles)', async () => {
    for (const [name, f] of RANGES) {
      const want = await spendOverTime(sqlite, { ...f, groupBy: 'model' });
      const got = await spendOverTime(pg.db, { ...f, groupBy: 'model' });
      assert.deepEqual({ ...got, points: got.points.map((p) => p.t) }, { ...want, points: want.points.map((p) => p.t) }, name);
      got.points.forEach((p, i) => {
        for (const g of want.groups) assert.ok(Math.abs(p[g]! - want.points[i]![g]!) < 1e-6, `${name}: ${g} at ${p.t}`);
      });
    }
  });

  it('the finance summary by local day and by month, previews included, in zones with DST and half hours', async () => {
    for (const [name, f] of RANGES) {
      for (const tz of ['UTC', 'Europe/Berlin', 'Asia/Kolkata']) {
        for (const extra of [{}, { group: 'month' as const }, { limit: 5, offset: 2 }]) {
          const q = { ...f, tz, ...extra };
          const want = await summaryReport(sqlite, q);
          assert.ok(want.rowCount > 0, `${name} ${tz}: some rows`);
          assert.deepEqual(await summaryReport(pg.db, q), want, `${name} ${tz} ${JSON.stringify(extra)}`);
        }
      }
    }
  });

  it('spot\'s effective discount and the sessions with the worst hit rate', async () => {
    for (const [name, f] of RANGES) {
      const want = await spotEffectiveDiscount(sqlite, f);
      assert.deepEqual(await spotEffectiveDiscount(pg.db, f), want, name);
      assert.deepEqual(await sessionsWithWorstHitRate(pg.db, f), await sessionsWithWorstHitRate(sqlite, f), name);
    }
    const all = await spotEffectiveDiscount(sqlite, RANGES[0]![1]);
    assert.ok(all.spotCalls > 0 && all.retriesOnStandard > 0, 'spot calls and retries in the data');
    assert.ok((await sessionsWithWorstHitRate(sqlite, RANGES[0]![1])).rows.length > 0, 'sessions in the data');
  });

  it('the request log: pages by keyset and by offset, row filters and searches', async () => {
    const from = new Date(T0 + 5 * HOUR + 1_234).toISOString();
    const to = new Date(T0 + 3 * DAY).toISOString();
    const asks: Record<string, string>[] = [
      {}, { limit: '7' }, { status: 'error' }, { status: '429' }, { status: 'ok', stream: 'yes' }, { stream: 'no', minCostUsd: '0.0012' },
      { minDurationMs: '250' }, { q: 'cmpl-01' }, { q: 'alice' }, { q: 'spot-1' }, { q: 'fast' }, { q: 'search prod' }, { sort: 'cost', limit: '10' },
      { sort: 'duration', apiKey: 'k2' }, { model: 'm/b', sort: 'cost' },
    ];
    for (const ask of asks) {
      let cursor: string | null = null;
      for (let page = 0; page < 4; page++) {
        const q = requestLogSchema.parse({ from, to, ...ask, ...(cursor ? { cursor } : {}) });
        const want = await requestLog(sqlite, q);
        assert.deepEqual(await requestLog(pg.db, q), want, `${JSON.stringify(ask)} page ${page}`);
        cursor = want.nextCursor;
        if (!cursor) break;
      }
    }
    const first = await requestLog(sqlite, requestLogSchema.parse({ from, to, q: 'alice' }));
    assert.ok(first.rows.length > 0 && first.rows.some((r) => r.stream), 'the searches find calls, some streamed');
  });

  it('rate-limit headroom and usage over time, by minute, hour and day, summed over keys or per key', async () => {
    const shortRange = range(T0 + DAY + 3 * HOUR + 17_000, T0 + DAY + 7 * HOUR);
    const days = range(T0 - DAY + 1_000, T0 + 15 * DAY);
    for (const [name, f] of [...RANGES, ['a short range (minutes)', shortRange], ['fifteen days (day buckets)', days]] as [string, Filters][]) {
      for (const over of [{}, { apiKey: ['k1', 'k2'] }, { model: ['m/a'], tz: 'Asia/Kolkata' }]) {
        const q = { ...f, ...over };
        const want = await rateLimitHeadroom(sqlite, q);
        assert.deepEqual(await rateLimitHeadroom(pg.db, q), want, `${name} ${JSON.stringify(over)}: headroom`);
        assert.deepEqual(await rateLimitUsageOverTime(pg.db, q), await rateLimitUsageOverTime(sqlite, q), `${name} ${JSON.stringify(over)}: over time`);
      }
    }
    assert.ok((await rateLimitHeadroom(sqlite, RANGES[0]![1])).rows.length > 0, 'limits in the data');
  });

  it('call detail: each call with its price row, key label and stored usage, and no call for an unknown id', async () => {
    // a dated price row and usage objects (one not JSON), the same in both databases
    const usage = JSON.stringify({ prompt_tokens: 1000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 400 } });
    for (const db of [sqlite, pg.db]) {
      await orm(db).insert(tablesOf(db).prices).values({
        id: 501, model: 'm/a', servingPath: 'standard', region: 'global', inputMicrosPerMtok: 900_000, cachedInputMicrosPerMtok: 450_000,
        outputMicrosPerMtok: 2_500_000, effectiveFrom: '2026-09-01', source: 'test catalog',
      });
      await execute(db, sql`UPDATE requests SET price_id = 501, usage_json = ${usage} WHERE id % 3 = 0 AND cost_total_pico IS NOT NULL`);
      await execute(db, sql`UPDATE requests SET usage_json = ${'{not json'} WHERE id = 7`);
    }
    const [{ n }] = sqlite.$client.prepare('SELECT max(id) AS n FROM requests').all() as [{ n: number }];
    for (let id = 1; id <= n + 1; id++) assert.deepEqual(await requestDetail(pg.db, id), await requestDetail(sqlite, id), `call ${id}`);
    const priced = (await requestDetail(pg.db, 3))!;
    assert.equal(priced.price?.source, 'test catalog');
    assert.deepEqual(priced.usage, JSON.parse(usage));
    assert.equal(typeof priced.request.stream, 'boolean');
    assert.equal((await requestDetail(pg.db, 7))!.usage, '{not json');
    assert.equal(await requestDetail(pg.db, n + 1), null);
  });

  it('the spend forecast: month to date, the same point last month, the projection, the days and the matching budget', async () => {
    for (const db of [sqlite, pg.db]) {
      await createBudget(db, {
        name: 'Search monthly', scope: { team: ['search'] }, period: 'month', timeZone: 'UTC', amountPico: 40n * 10n ** 12n, thresholds: [0.5, 0.8, 1], action: 'alert', channels: [],
      }, T0);
    }
    // during the three days, and in the month after them (last month is theirs)
    for (const now of [T0 + 2 * DAY + 5 * HOUR + 1_234, T0 + 33 * DAY + 7 * HOUR]) {
      for (const over of [{}, { team: 'search' }, { tz: 'Asia/Kolkata' }, { apiKey: 'k2', tz: 'America/New_York' }] as Record<string, string>[]) {
        const f = range(T0, T0 + DAY, over);
        const want = await spendForecast(sqlite, f, new Date(now));
        assert.deepEqual(await spendForecast(pg.db, f, new Date(now)), want, `${new Date(now).toISOString()} ${JSON.stringify(over)}`);
      }
    }
    const during = await spendForecast(pg.db, range(T0, T0 + DAY, { team: 'search' }), new Date(T0 + 2 * DAY + 5 * HOUR));
    assert.ok(during.monthToDate.spentMicros > 0 && during.days.some((d) => d.thisMonth), 'spend in the month so far');
    assert.equal(during.budget?.name, 'Search monthly');
    const nextMonth = await spendForecast(pg.db, range(T0, T0 + DAY), new Date(T0 + 33 * DAY));
    assert.ok(nextMonth.lastMonthToSamePoint.spentMicros > 0 && nextMonth.days.some((d) => d.lastMonth), 'last month\'s spend');
  });
});
