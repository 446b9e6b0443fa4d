import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'node:test';
import { openDatabase } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { sessionsWithWorstHitRate } from '@/lib/analytics/cache-worst-sessions';
import { Recorder } from '@/lib/recorder/recorder';

it('lists only sessions of endpoints with a prompt cache among those that miss it', async () => {
  const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-sessions-')), 'meter.db'));
  const recorder = new Recorder(db);
  const T0 = Date.UTC(2026, 11, 1, 9);
  const call = (i: number, session: string, endpoint: NewRequestRow['endpoint'], cached: number): NewRequestRow => ({
    startedAt: T0 + i * 1000, durationMs: 1, endpoint, model: endpoint === 'embeddings' ? 'nomic-ai/nomic-embed-text-v1.5' : 'm/chat', servingPath: 'standard',
    region: 'global', stream: false, status: 200, apiKey: 'k', sessionAffinity: session, promptTokens: 1000, cachedPromptTokens: cached, completionTokens: 1,
  });
  for (let i = 0; i < 3; i++) recorder.record(call(i, 'embed-session', 'embeddings', 0)); // never cached: embeddings have no cache
  for (let i = 0; i < 3; i++) recorder.record(call(10 + i, 'chat-session', 'chat/completions', 100));
  recorder.close();
  const worst = await sessionsWithWorstHitRate(db, filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 60_000).toISOString() }));
  assert.deepEqual(worst.rows.map((r) => r.session), ['chat-session']);
  db.$client.close();
});
