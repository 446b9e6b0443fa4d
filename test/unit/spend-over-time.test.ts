import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { cacheHitRateOverTime } from '@/lib/analytics/cache-over-time';
import { OTHER, spendOverTime } from '@/lib/analytics/spend-over-time';
import { Recorder } from '@/lib/recorder/recorder';

it('stacks spend by a second dimension, the smallest groups summed as other, the total unchanged', async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-stack-')), 'meter.db'));
  const recorder = new Recorder(db);
  const T0 = Date.UTC(2026, 11, 1, 9);
  // ten models, model i spends (i + 1) micro-dollars
  for (let i = 0; i < 10; i++) {
    const row: NewRequestRow = {
      startedAt: T0 + i * 60_000, durationMs: 1, endpoint: 'chat/completions', model: `m/${i}`, servingPath: 'standard', region: 'global', stream: false,
      status: 200, apiKey: 'k', team: i % 2 ? 'search' : null, promptTokens: 1, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: (i + 1) * 1_000_000,
    };
    recorder.record(row);
  }
  recorder.close();
  const f = filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 3_600_000).toISOString() });
  const byModel = await spendOverTime(db, { ...f, groupBy: 'model' });
  assert.deepEqual(byModel.groups, ['m/9', 'm/8', 'm/7', 'm/6', 'm/5', 'm/4', 'm/3', OTHER]);
  const sum = (keys: string[]) => byModel.points.reduce((s, p) => s + keys.reduce((t, k) => t + (p[k] ?? 0), 0), 0);
  assert.equal(sum([OTHER]), 1 + 2 + 3);
  assert.equal(sum(byModel.groups), 55);
  const byTeam = await spendOverTime(db, { ...f, groupBy: 'team' });
  assert.deepEqual(byTeam.groups, ['search', '']);
  db.$client.close();
});

it('daily buckets are local days, each equal to the raw rows of that day, in any zone and across a DST change', async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-days-')), 'meter.db'));
  const recorder = new Recorder(db);
  const T0 = Date.UTC(2026, 9, 20); // 25 Oct: Berlin leaves summer time
  const rows: NewRequestRow[] = [];
  for (let i = 0; i < 3000; i++) {
    // every 17 minutes and a bit, so calls fall on every side of every local midnight
    const row: NewRequestRow = {
      startedAt: T0 + i * 1_037_117, durationMs: 1, endpoint: i % 5 ? 'chat/completions' : 'embeddings', model: `m/${i % 3}`, servingPath: i % 4 ? 'standard' : 'priority',
      region: 'global', stream: false, status: 200, apiKey: `k${i % 2}`, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: 1_000_000 + i * 7_919,
    };
    rows.push(row);
    recorder.record(row);
  }
  recorder.close();
  for (const tz of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York']) {
    const from = T0 + 5_432_100;
    const to = T0 + 33 * 86_400_000 + 1_234_567;
    const f = filtersSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), tz });
    for (const groupBy of ['servingPath', 'endpoint'] as const) {
      const series = await spendOverTime(db, { ...f, groupBy });
      assert.equal(series.bucket, 'day');
      const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      const want = new Map<string, number>();
      for (const r of rows) {
        if (r.startedAt < from || r.startedAt >= to) continue;
        const key = `${dayOf.format(r.startedAt)}|${groupBy === 'endpoint' ? r.endpoint : r.servingPath}`;
        want.set(key, (want.get(key) ?? 0) + r.costTotalPico! / 1e6);
      }
      for (const p of series.points) {
        for (const g of series.groups) {
          const got = p[g] ?? 0;
          const expected = want.get(`${dayOf.format(p.t)}|${g}`) ?? 0;
          assert.ok(Math.abs(got - expected) < 1e-6, `${tz} ${groupBy} ${dayOf.format(p.t)} ${g}: ${got} vs ${expected}`);
        }
      }
      assert.equal(series.points.length, new Set([...want.keys()].map((k) => k.split('|')[0])).size, `${tz}: one point per local day`);
    }
    // the hit-rate series reads its days the same way: prompt tokens per local day as the raw rows say
    const cache = await cacheHitRateOverTime(db, f);
    const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    for (const p of cache.points) {
      const want = rows.filter((r) => r.startedAt >= from && r.startedAt < to && dayOf.format(r.startedAt) === dayOf.format(p.t)).reduce((n, r) => n + r.promptTokens!, 0);
      assert.equal(p.promptTokens, want, `${tz} ${dayOf.format(p.t)} prompt tokens`);
    }
  }
  db.$client.close();
});
