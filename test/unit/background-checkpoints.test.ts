import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { BackgroundCheckpoints } from '@/lib/recorder/background-checkpoints';
import { Recorder } from '@/lib/recorder/recorder';

const call = (i: number): NewRequestRow => ({
  startedAt: Date.UTC(2026, 10, 1) + i * 1000, durationMs: 5, endpoint: 'chat/completions', model: 'm/a', servingPath: 'standard',
  region: 'global', stream: false, status: 200, apiKey: 'k1', upstreamId: `id-${i}`, sessionAffinity: `s-${i % 50}`,
  promptTokens: 100, cachedPromptTokens: 10, completionTokens: 5, costTotalPico: 3, cacheSavingsPico: 1,
});

describe('background checkpoints', () => {
  it('a worker copies the WAL into the database file while the recorder only appends; SQLite takes over again at close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-checkpoints-'));
    const file = path.join(dir, 'meter.db');
    const db = openDatabase(file);
    const recorder = new Recorder(db);
    assert.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 16_384, 'the writer checkpoints itself only when the worker falls far behind');
    const before = fs.statSync(file).size;
    for (let i = 0; i < 5000; i++) recorder.record(call(i));
    recorder.flush();
    // Without a checkpoint the new pages live only in the WAL; the worker checkpoints every 250 ms.
    for (let waited = 0; fs.statSync(file).size === before && waited < 10_000; waited += 50) await sleep(50);
    assert.ok(fs.statSync(file).size > before, 'the database file grew: the worker checkpointed');
    recorder.close();
    assert.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 1000);
    assert.equal((db.$client.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n, 5000);
    db.$client.close();
  });

  it('a writer that outruns the worker checkpoints itself past the backstop: the WAL stays near it, not the total written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-checkpoints-'));
    const file = path.join(dir, 'meter.db');
    const db = openDatabase(file);
    const sqlite = db.$client;
    const checkpoints = new BackgroundCheckpoints(sqlite, () => {}, 64); // 64 frames: 256 KiB
    sqlite.exec('CREATE TABLE filler (x BLOB)');
    const insert = sqlite.prepare('INSERT INTO filler VALUES (randomblob(4000))');
    const commit = sqlite.transaction(() => { for (let i = 0; i < 10; i++) insert.run(); });
    let largestWal = 0;
    for (let t = 0; t < 300; t++) {
      commit(); // 40 KB a commit, 12 MB in all
      largestWal = Math.max(largestWal, fs.statSync(`${file}-wal`).size);
      await sleep(5);
    }
    checkpoints.stop();
    assert.ok(largestWal < 6_000_000, `the WAL peaked at ${largestWal} bytes of 12 MB written`);
    assert.equal((sqlite.prepare('SELECT count(*) AS n FROM filler').get() as { n: number }).n, 3000);
    sqlite.close();
  });
});
