import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { requests, type NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { Recorder } from '@/lib/recorder/recorder';
import { saveApiKeyLabel } from '@/lib/settings/api-key-labels';
import { applyKeyTeams, KeyTeams } from '@/lib/settings/key-teams';
import { assertRollupsMatchRaw } from '../support/rollups';

const T0 = Date.UTC(2026, 11, 1, 9);

describe('one team per call', () => {
  it("is the annotated team, else the key's team from Settings, in the rows, the rollups and the filters", async () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-teams-')), 'meter.db'));
    await saveApiKeyLabel(db, { apiKey: 'keyA', label: 'Search prod', team: 'search' });
    const teams = await KeyTeams.load(db);
    const recorder = new Recorder(db);
    const call = (i: number, apiKey: string, annotated: string | null): NewRequestRow => ({
      startedAt: T0 + i * 1000, durationMs: 1, endpoint: 'chat/completions', model: 'm', servingPath: 'standard', region: 'global', stream: false,
      status: 200, apiKey, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: 1_000_000, ...teams.resolve(apiKey, annotated),
    });
    recorder.record(call(0, 'keyA', null)); // the key's team
    recorder.record(call(1, 'keyA', 'platform')); // the annotation wins
    recorder.record(call(2, 'keyB', null)); // neither: no team
    recorder.close();
    const rows = db.select().from(requests).orderBy(requests.id).all();
    assert.deepEqual(rows.map((r) => [r.team, r.teamSource]), [['search', 'api_key'], ['platform', 'annotation'], [null, null]]);
    const f = filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString(), team: 'search' });
    assert.equal((await totalsBy(db, f, []))[0]!.requests, 1, 'the team filter finds the call its key gave a team');

    // keyB is given a team, keyA's team changes: past calls without an annotated team follow, rollups too
    await saveApiKeyLabel(db, { apiKey: 'keyB', label: 'Batch jobs', team: 'research' });
    await saveApiKeyLabel(db, { apiKey: 'keyA', label: 'Search prod', team: 'ranking' });
    assert.equal(await applyKeyTeams(db), 2);
    assert.deepEqual(db.select().from(requests).orderBy(requests.id).all().map((r) => r.team), ['ranking', 'platform', 'research']);
    assertRollupsMatchRaw(db);
    assert.equal((await totalsBy(db, f, []))[0]!.requests, 0);
    assert.equal((await totalsBy(db, { ...f, team: ['research'] }, []))[0]!.requests, 1);
    assert.equal(teams.resolve('keyB', null).team, null, 'the proxy reads the copy in memory, never the database');
    await teams.reload();
    assert.equal(teams.resolve('keyB', null).team, 'research', 'new calls take the new team');
    assert.equal(await applyKeyTeams(db), 0, 'nothing more to do');
    db.$client.close();
  });
});

describe('a breakdown against the previous period', () => {
  it('gives each group what it spent in the period before', async () => {
    const { totalsWithPreviousBy } = await import('@/lib/analytics/engine/totals');
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-prev-')), 'meter.db'));
    const recorder = new Recorder(db);
    const row = (at: number, model: string, pico: number): NewRequestRow => ({
      startedAt: at, durationMs: 1, endpoint: 'chat/completions', model, servingPath: 'standard', region: 'global', stream: false, status: 200,
      apiKey: 'k', promptTokens: 1, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: pico,
    });
    const H = 3_600_000;
    recorder.record(row(T0 - H, 'm/a', 2_000_000)); // the hour before: $0.000002 on m/a
    recorder.record(row(T0 + 60_000, 'm/a', 5_000_000));
    recorder.record(row(T0 + 60_000, 'm/b', 1_000_000)); // new this hour
    recorder.close();
    const f = filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + H).toISOString() });
    const rows = await totalsWithPreviousBy(db, f, ['model']);
    assert.deepEqual(rows.map((r) => [r.model, r.spendMicros, r.previousSpendMicros]), [['m/a', 5, 2], ['m/b', 1, 0]]);
    db.$client.close();
  });
});
