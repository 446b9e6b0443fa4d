import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { spendForecast } from '@/lib/analytics/spend-forecast';
import { createBudget } from '@/lib/budgets/store';
import { Recorder } from '@/lib/recorder/recorder';

const DAY = 86_400_000;
const USD = 1_000_000_000_000;

describe('spend forecast', () => {
  it('compares month to date with the same point last month, projects the month end and finds the matching budget', async () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-forecast-')), 'meter.db'));
    const recorder = new Recorder(db);
    const call = (at: number, pico: number, team = 'search'): NewRequestRow => ({
      startedAt: at, durationMs: 1, endpoint: 'chat/completions', model: 'm/a', servingPath: 'standard', region: 'global', stream: false, status: 200,
      apiKey: 'k1', team, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: pico,
    });
    const now = new Date(Date.UTC(2026, 11, 10, 12)); // 10 December, noon
    // $1 a day through November and December so far, plus a call outside the team
    for (let t = Date.UTC(2026, 10, 1, 6); t < now.getTime(); t += DAY) recorder.record(call(t, USD));
    recorder.record(call(Date.UTC(2026, 11, 3), 5 * USD, 'support'));
    recorder.close();
    await createBudget(db, { name: 'Search monthly', scope: { team: ['search'] }, period: 'month', timeZone: 'UTC', amountPico: 40n * BigInt(USD), thresholds: [0.5, 0.8, 1], action: 'alert', channels: [] });

    const filters = filtersSchema.parse({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', team: 'search' });
    const f = await spendForecast(db, filters, now);
    assert.equal(f.monthToDate.spentUsd, '10.000000'); // 1–10 December, 06:00 each day
    assert.equal(f.lastMonthToSamePoint.spentUsd, '10.000000'); // 1–10 November to noon
    assert.equal(f.lastMonthToSamePoint.to, '2026-11-10T12:00:00.000Z');
    // $10 so far, then $1 a day for the 21.5 days left (the four weeks of history say $1 a day)
    assert.equal(f.projectedMonthEnd.usd, '31.500000');
    assert.match(f.projectedMonthEnd.method, /weekday\/weekend daily rate over the last 28 days/);
    assert.equal(f.days.length, 31);
    assert.deepEqual(f.days.slice(0, 3).map((d) => [d.thisMonth, d.lastMonth]), [[1_000_000, 1_000_000], [2_000_000, 2_000_000], [3_000_000, 3_000_000]]);
    assert.equal(f.days[9]!.thisMonth, 10_000_000);
    assert.equal(f.days[10]!.thisMonth, null, 'no figure for days to come');
    assert.equal(f.days[29]!.lastMonth, 30_000_000);
    assert.equal(f.days[30]!.lastMonth, null, 'November has 30 days');
    assert.equal(f.budget?.name, 'Search monthly');
    assert.equal((await spendForecast(db, { ...filters, team: [] }, now)).budget, null, 'no budget matches the whole account');
    assert.equal((await spendForecast(db, { ...filters, team: [] }, now)).monthToDate.spentUsd, '15.000000');
    db.$client.close();
  });
});
