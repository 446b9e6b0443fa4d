import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { openPostgres } from '@/db/client-pg';
import type { MeterDb } from '@/db/database';
import type { NewRequestRow } from '@/db/schema';
import { inbox } from '@/lib/budgets/outbox';
import { DEFAULT_WATCH_SETTINGS, runWatches, setWatchSettings } from '@/lib/budgets/watches';
import { writeBatchPg } from '@/lib/recorder/pg-batch-writer';
import { Recorder } from '@/lib/recorder/recorder';
import { startPostgres, type TestPostgres } from '../support/postgres';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const USD = 1_000_000_000_000;
const NOW = Date.UTC(2026, 11, 10, 12, 5); // five minutes into the 12:00 hour

const row = (at: number, extra: Partial<NewRequestRow> = {}): NewRequestRow => ({
  startedAt: at, durationMs: 1, endpoint: 'chat/completions', model: 'm/a', servingPath: 'standard', region: 'global', stream: false, status: 200,
  apiKey: 'k1', promptTokens: 1000, cachedPromptTokens: 800, completionTokens: 10, costTotalPico: USD, ...extra,
});

/** Calls that set off every watch at NOW. */
function troubledCalls(): NewRequestRow[] {
  const rows: NewRequestRow[] = [];
  // the 11:00 hour: $1 on each of the 7 days before, $10 today (spend.anomaly)
  for (let d = 1; d <= 7; d++) rows.push(row(NOW - HOUR - d * DAY));
  rows.push(row(NOW - HOUR, { costTotalPico: 10 * USD }));
  // m/a cached 80% all week, 10% in the last hour with 200k prompt tokens (cache.drop)
  for (let d = 1; d <= 7; d++) rows.push(row(NOW - d * DAY - 3 * HOUR, { promptTokens: 200_000, cachedPromptTokens: 160_000, costTotalPico: 0 }));
  rows.push(row(NOW - 30 * 60_000, { promptTokens: 200_000, cachedPromptTokens: 20_000, costTotalPico: 0 }));
  // the last 15 minutes: 30 calls, 10 of them 429, one told 100 of 36,000 generated tokens remain (errors.rate, headroom.low)
  for (let i = 0; i < 30; i++) {
    const refused = i < 10;
    rows.push(row(NOW - 60_000 * (1 + (i % 10)), refused ? { status: 429, promptTokens: null, cachedPromptTokens: null, completionTokens: null, costTotalPico: null } : { limitGeneratedTpm: 36_000, remainingGeneratedTokens: i === 20 ? 100 : 30_000, costTotalPico: 0 }));
  }
  // a model without a price (pricing.unpriced)
  rows.push(row(NOW - 10 * 60_000, { model: 'm/new', costTotalPico: null }));
  return rows;
}

/** The same story on either engine: `record` commits calls as the engine's recorder would. */
async function alertOnceEachWay(db: MeterDb, record: (rows: NewRequestRow[]) => Promise<void>) {
  await record(troubledCalls());
  assert.equal(await runWatches(db, NOW, 'http://meter.test'), 5);
  const types = (await inbox(db)).map((a) => `${a.type} ${'details' in a.body ? String(a.body.details['model'] ?? '') : ''}`.trim()).sort();
  assert.deepEqual(types, ['cache.drop m/a', 'errors.rate', 'headroom.low m/a', 'pricing.unpriced m/new', 'spend.anomaly']);
  assert.equal(await runWatches(db, NOW + 60_000, 'http://meter.test'), 0, 'a condition still there does not alert again');

  // two hours later nothing is wrong any more
  assert.equal(await runWatches(db, NOW + 2 * HOUR, 'http://meter.test'), 5);
  assert.deepEqual((await inbox(db, { types: ['errors.rate.cleared'] })).length, 1);
  assert.equal(await runWatches(db, NOW + 2 * HOUR + 60_000, 'http://meter.test'), 0);

  // switched off, a watch finds nothing: the same anomaly a week on raises nothing
  await setWatchSettings(db, { ...DEFAULT_WATCH_SETTINGS, 'spend.anomaly': { ...DEFAULT_WATCH_SETTINGS['spend.anomaly'], enabled: false } });
  await record([row(NOW + 7 * DAY - HOUR, { costTotalPico: 50 * USD })]);
  assert.equal((await inbox(db, { types: ['spend.anomaly'] })).length, 1);
  await runWatches(db, NOW + 7 * DAY, 'http://meter.test');
  assert.equal((await inbox(db, { types: ['spend.anomaly'] })).length, 1);
}

describe('watches beyond money', () => {
  let cluster: TestPostgres;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.stop();
  });

  it('alert once when each condition begins and once when it clears (SQLite)', async () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-watch-')), 'meter.db'));
    await alertOnceEachWay(db, async (rows) => {
      const recorder = new Recorder(db);
      for (const r of rows) recorder.record(r);
      recorder.close();
    });
    db.$client.close();
  });

  it('alert the same on PostgreSQL', async () => {
    const database = openPostgres(cluster.url);
    await database.migrate();
    try {
      await alertOnceEachWay(database.db, async (rows) => void (await writeBatchPg(database.pool, rows)));
    } finally {
      await database.close();
    }
  });
});
