// The dashboard's questions on PostgreSQL, through the same functions as on SQLite: a few hand-made
// calls are recorded into a SQLite database (the recorder builds its rollups), the calls and the
// rollup rows are copied as they are into a throwaway PostgreSQL cluster (test/support/postgres.ts)
// migrated by db/client-pg.ts, and each question must give the same answer on both.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { openPostgres, type PostgresDatabase } from '@/db/client-pg';
import { apiKeyLabels, type NewRequestRow } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { cacheAffinityComparison } from '@/lib/analytics/cache-affinity';
import { cacheHitRateByModel } from '@/lib/analytics/cache-by-model';
import { cacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { filterOptions } from '@/lib/analytics/filter-options';
import { rateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { spendOverTime } from '@/lib/analytics/spend-over-time';
import { overviewTotals } from '@/lib/analytics/overview';
import { spendByModel } from '@/lib/analytics/spend-by-model';
import { Recorder } from '@/lib/recorder/recorder';
import { startPostgres, type TestPostgres } from '../support/postgres';

const T0 = Date.UTC(2026, 9, 1);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What is copied: the calls, every usage rollup a question reads, and the key labels. */
const TABLES = ['requests', 'usage_hourly', 'usage_daily', 'usage_hourly_compact', 'usage_hourly_by_key', 'usage_daily_by_key', 'usage_quarter_hourly_by_key', 'api_key_labels'];

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
      promptTokens: ok ? prompt : null,
      cachedPromptTokens: ok ? Math.floor(prompt * ((i % 10) / 10)) : null,
      completionTokens: ok ? 20 + (i % 300) : null,
      costTotalPico: priced ? 1_000_000 * (1000 + i * 13) + ((i * 104_729) % 1_000_000) : null,
      cacheSavingsPico: priced ? 1_000_000 * (i % 90) + ((i * 7) % 1_000_000) : null,
      standardCostPico: priced && i % 3 !== 0 ? 1_000_000 * (800 + i * 11) + 123 : null,
    });
  }
  return rows;
}

/** Copies each table's rows from SQLite as they are; SQLite's 0/1 become booleans where PostgreSQL's column is one. */
async function copy(from: Db, to: PostgresDatabase): Promise<void> {
  const types = await to.pool.query<{ table_name: string; column_name: string; data_type: string }>(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
  );
  for (const table of TABLES) {
    const rows = from.$client.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[];
    if (!rows.length) continue;
    const columns = Object.keys(rows[0]!);
    const boolean = new Set(types.rows.filter((t) => t.table_name === table && t.data_type === 'boolean').map((t) => t.column_name));
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows.slice(i, i + 100);
      const values = batch.flatMap((r) => columns.map((c) => (boolean.has(c) && r[c] !== null ? Boolean(r[c]) : r[c])));
      const tuples = batch.map((_, j) => `(${columns.map((__, k) => `$${j * columns.length + k + 1}`).join(', ')})`);
      await to.pool.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, values);
    }
  }
}

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
  let cluster: TestPostgres;
  let pg: PostgresDatabase;
  let sqlite: Db;

  before(async () => {
    cluster = await startPostgres();
    pg = openPostgres(cluster.url, { max: 2 });
    await pg.migrate();
    sqlite = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pg-analytics-')), 'meter.db'));
    const recorder = new Recorder(sqlite);
    for (const row of calls()) recorder.record(row);
    recorder.close();
    sqlite.insert(apiKeyLabels).values({ apiKey: 'k1', label: 'Search prod', team: 'search', updatedAt: T0 }).run();
    await copy(sqlite, pg);
  });

  after(async () => {
    await pg?.close();
    sqlite?.$client.close();
    await cluster?.stop();
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

  it('totals by model and serving path, and spend by model against the previous period', async () => {
    for (const [name, f] of RANGES) {
      assert.deepEqual(await totalsBy(pg.db, f, ['model', 'serving_path']), await totalsBy(sqlite, f, ['model', 'serving_path']), name);
      assert.deepEqual(await spendByModel(pg.db, f), await spendByModel(sqlite, f), name);
    }
  });

  it('session affinity split (a boolean of the raw calls, an integer in the rollups)', async () => {
    for (const [name, f] of RANGES) assert.deepEqual(await cacheAffinityComparison(pg.db, f), await cacheAffinityComparison(sqlite, f), name);
  });

  it('cache by model and over time, refusals over time and by key, and the filter bar\'s options', async () => {
    for (const [name, f] of RANGES) {
      assert.deepEqual(await cacheHitRateByModel(pg.db, f), await cacheHitRateByModel(sqlite, f), name);
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
});
