import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
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
