import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Database from 'better-sqlite3';
import { openDatabase, type Db } from '@/db/client';
import { requests, type NewRequestRow } from '@/db/schema';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { Recorder } from '@/lib/recorder/recorder';
import { COMPACT_DAILY_DIMENSIONS, DAILY_DIMENSIONS, DAY_MS, DIMENSIONS, HOUR_MS, MEASURES, USAGE_ROLLUPS, usageRollupUpsert } from '@/lib/rollups/definition';
import { RECORDED_ENDPOINTS } from '@/lib/usage/endpoints';
import { callsOnEveryEndpoint, DAYS, range, T0, totalsFromRaw } from '../support/calls-by-endpoint';
import { databaseAt } from '../support/migrations';
import { assertUsageRollupsMatchRaw } from '../support/rollups';

const FULL = [USAGE_ROLLUPS.hourly, USAGE_ROLLUPS.daily];
const OLD_DIMENSIONS = DIMENSIONS.filter((d) => d !== 'endpoint');

/** A database as Meter left it before 0016: raw rows and every usage rollup, the full ones without the endpoint. */
function databaseBefore0016(rows: NewRequestRow[]): { file: string; sqlite: Database.Database } {
  const { file, sqlite } = databaseAt('0015_sessions_with_a_cache');
  const columns = ['started_at', 'duration_ms', 'endpoint', 'model', 'serving_path', 'region', 'stream', 'status', 'api_key', 'team', 'project', 'environment',
    'session_affinity', 'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_total_pico', 'cache_savings_pico', 'standard_cost_pico', 'cached_tokens_disagree'];
  const insert = sqlite.prepare(`INSERT INTO requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const upserts = Object.values(USAGE_ROLLUPS).map((r) =>
    sqlite.prepare(usageRollupUpsert(
      (FULL as readonly object[]).includes(r) ? { ...r, dimensions: OLD_DIMENSIONS } : r === USAGE_ROLLUPS.hourlyCompact ? { ...r, dimensions: COMPACT_DAILY_DIMENSIONS } : r,
      'id BETWEEN ? AND ?',
    )));
  sqlite.transaction(() => {
    for (const c of rows) {
      insert.run(c.startedAt, c.durationMs, c.endpoint, c.model, c.servingPath, c.region, 0, c.status, c.apiKey, c.team ?? null, c.project ?? null, c.environment ?? null,
        c.sessionAffinity ?? null, c.promptTokens ?? null, c.cachedPromptTokens ?? null, c.completionTokens ?? null, c.costTotalPico ?? null, c.cacheSavingsPico ?? null,
        c.standardCostPico ?? null, c.cachedTokensDisagree ?? null);
    }
    for (const u of upserts) u.run(1, rows.length);
  })();
  return { file, sqlite };
}

const OLD_KEY = (timeColumn: string) => [timeColumn, ...OLD_DIMENSIONS].join(', ');

/** A full rollup summed over endpoints: what it held before 0016, group by group. */
function byOldKey(sqlite: Database.Database, table: string, timeColumn: string): unknown[] {
  return sqlite.prepare(`SELECT ${OLD_KEY(timeColumn)}, ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')} FROM ${table} GROUP BY ${OLD_KEY(timeColumn)} ORDER BY ${OLD_KEY(timeColumn)}`).all();
}

/** Every table's every measure, summed. */
function grandTotals(sqlite: Database.Database): Record<string, unknown> {
  return Object.fromEntries(Object.values(USAGE_ROLLUPS).map((r) => [r.table, sqlite.prepare(`SELECT ${MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ')} FROM ${r.table}`).get()]));
}

/** Each day of the daily rollup (which keeps no endpoint, since 0017) equals its hours. */
function assertDaysAreTheirHours(db: Db): void {
  const key = DAILY_DIMENSIONS.join(', ');
  const sums = MEASURES.map((m) => `sum(${m}) AS ${m}`).join(', ');
  const fromHours = db.$client.prepare(`SELECT (hour_start / ${DAY_MS}) * ${DAY_MS} AS d, ${key}, ${sums} FROM usage_hourly GROUP BY 1, ${key} ORDER BY 1, ${key}`).all();
  const days = db.$client.prepare(`SELECT day_start AS d, ${key}, ${sums} FROM usage_daily GROUP BY 1, ${key} ORDER BY 1, ${key}`).all();
  assert.deepEqual(days, fromHours);
}

describe('migrations 0016 and 0017: the endpoint in the hourly rollup, days summed over it', () => {
  it('splits every hour and day by endpoint from the raw rows, totals unchanged', () => {
    const { file, sqlite } = databaseBefore0016(callsOnEveryEndpoint(7, 3000));
    const before = { hourly: byOldKey(sqlite, 'usage_hourly', 'hour_start'), daily: byOldKey(sqlite, 'usage_daily', 'day_start'), all: grandTotals(sqlite) };
    sqlite.close();

    const db = openDatabase(file); // applies 0016
    assertUsageRollupsMatchRaw(db); // no '' left: every call was still there
    assert.equal(db.$client.prepare("SELECT count(*) FROM usage_hourly WHERE endpoint = ''").pluck().get(), 0);
    assert.deepEqual(byOldKey(db.$client, 'usage_hourly', 'hour_start'), before.hourly);
    assert.deepEqual(byOldKey(db.$client, 'usage_daily', 'day_start'), before.daily);
    assert.deepEqual(grandTotals(db.$client), before.all);
    assertDaysAreTheirHours(db);
    db.$client.close();
  });

  it('after retention, keeps old totals as "not recorded" and splits every hour from the oldest kept call on', async () => {
    const rows = callsOnEveryEndpoint(8, 3000);
    const { file, sqlite } = databaseBefore0016(rows);
    const cutoff = T0 + 2 * DAY_MS + 7 * HOUR_MS + 1_234_567; // mid-hour, mid-day, as retention cuts
    sqlite.prepare('DELETE FROM requests WHERE started_at < ?').run(cutoff);
    // one group whose rollup row lost calls the raw rows still have: it cannot be split, and is kept whole
    const unfitHour = Math.floor((cutoff + DAY_MS) / HOUR_MS) * HOUR_MS;
    const unfit = sqlite.prepare(`SELECT ${OLD_KEY('hour_start')} FROM usage_hourly WHERE hour_start = ? ORDER BY requests DESC LIMIT 1`).get(unfitHour) as Record<string, string | number>;
    const where = Object.keys(unfit).map((k) => `${k} = ?`).join(' AND ');
    sqlite.prepare(`UPDATE usage_hourly SET requests = requests - 1 WHERE ${where}`).run(...Object.values(unfit));
    sqlite.prepare(`UPDATE usage_daily SET requests = requests - 1 WHERE ${where.replace('hour_start = ?', 'day_start = ?')}`)
      .run(Math.floor(unfitHour / DAY_MS) * DAY_MS, ...Object.values(unfit).slice(1));
    const before = { hourly: byOldKey(sqlite, 'usage_hourly', 'hour_start'), daily: byOldKey(sqlite, 'usage_daily', 'day_start'), all: grandTotals(sqlite) };
    sqlite.close();

    const db = openDatabase(file);
    assert.deepEqual(byOldKey(db.$client, 'usage_hourly', 'hour_start'), before.hourly, 'every hour and group keeps its totals');
    assert.deepEqual(byOldKey(db.$client, 'usage_daily', 'day_start'), before.daily, 'every day and group keeps its totals');
    assert.deepEqual(grandTotals(db.$client), before.all);

    const firstWholeHour = Math.ceil(cutoff / HOUR_MS) * HOUR_MS;
    const notRecorded = db.$client.prepare("SELECT max(hour_start) FROM usage_hourly WHERE endpoint = '' AND hour_start != ?").pluck().get(unfitHour) as number;
    assert.ok(notRecorded < firstWholeHour, 'only hours retention cut into keep calls without an endpoint');
    const unsplit = db.$client.prepare(`SELECT endpoint FROM usage_hourly WHERE ${where}`).pluck().all(...Object.values(unfit));
    assert.deepEqual(unsplit, [''], 'the group that did not fit is left unsplit');
    assertDaysAreTheirHours(db);

    // from the oldest call's next whole hour on, a filter by endpoint is what the raw rows say
    const kept = db.select().from(requests).all();
    // a filter by endpoint alone reads the compact rollup, where 0018 kept the disagreeing group's
    // whole (hour, model, path, region) row unsplit, other keys' calls in it included
    const unfitCalls = kept.filter((r) => Math.floor(r.startedAt / HOUR_MS) * HOUR_MS === unfitHour && r.model === unfit.model && r.servingPath === unfit.serving_path
      && r.region === unfit.region);
    for (const endpoint of RECORDED_ENDPOINTS) {
      const f = range(firstWholeHour, T0 + DAYS * DAY_MS, { endpoint });
      const want = totalsFromRaw(kept.filter((r) => !unfitCalls.includes(r)), f);
      assert.equal((await totalsBy(db, f, []))[0]!.requests, want.requests, endpoint);
    }
    // over the whole range the endpoints and "not recorded" add up to what was there before
    const whole = range(T0, T0 + DAYS * DAY_MS);
    const split = await totalsBy(db, whole, ['endpoint']);
    assert.ok(split.some((r) => r.endpoint === ''), 'old totals shown as not recorded');
    assert.equal(split.reduce((s, r) => s + r.requests, 0), (before.all.usage_hourly_compact as { requests: number }).requests); // read from the compact rollup

    // and what is recorded from here on counts by endpoint
    const recorder = new Recorder(db);
    for (const c of callsOnEveryEndpoint(9, 200)) recorder.record({ ...c, startedAt: T0 + DAYS * DAY_MS + (c.startedAt - T0) / DAYS });
    recorder.close();
    const later = range(T0 + DAYS * DAY_MS, T0 + (DAYS + 1) * DAY_MS, { endpoint: 'embeddings' });
    assert.equal((await totalsBy(db, later, []))[0]!.requests, totalsFromRaw(db.select().from(requests).all(), later).requests);
    db.$client.close();
  });
});
