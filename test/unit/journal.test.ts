import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '@/db/client';
import { requests, type NewRequestRow } from '@/db/schema';
import { CallJournal } from '@/lib/recorder/journal';
import { Recorder } from '@/lib/recorder/recorder';
import { assertRollupsMatchRaw } from '../support/rollups';

function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-journal-'));
  const file = path.join(dir, 'meter.db');
  return { dir, file, db: openDatabase(file) };
}

function row(i: number, extra: Partial<NewRequestRow> = {}): NewRequestRow {
  return {
    startedAt: Date.UTC(2026, 10, 1) + i * 1000, durationMs: 10, endpoint: 'chat/completions', model: 'accounts/fireworks/models/kimi-k3',
    servingPath: 'standard', region: 'global', stream: false, status: 200, apiKey: 'abcd1234…wxyz', upstreamId: `id-${i}`,
    promptTokens: 100, cachedPromptTokens: 50, completionTokens: 10, costTotalPico: 1000 + i, cacheSavingsPico: 5, ...extra,
  };
}

const quiet = { log: () => undefined };
const journalOf = (file: string, options = {}) => new CallJournal(`${file}.calls`, { ...quiet, ...options });
const count = (db: Db) => db.$count(requests);

/** Another connection holding the write lock, as a second process would. */
function lockWrites(file: string) {
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  return () => {
    other.exec('ROLLBACK');
    other.close();
  };
}

describe('call journal', () => {
  it('replays at start what a killed process had not written, and a second replay adds nothing', async () => {
    const { file, db } = tempDb();
    const first = new Recorder(db, { journal: journalOf(file), ...quiet });
    for (let i = 0; i < 300; i++) first.record(row(i));
    first.flush(); // 300 written, mark moved
    for (let i = 300; i < 500; i++) first.record(row(i));
    first.abandon(); // killed here: 200 rows only in the journal

    const second = new Recorder(db, { journal: journalOf(file), ...quiet });
    assert.equal(second.replaying, true);
    assert.equal(second.drain(), true);
    assert.equal(await count(db), 500);
    second.close();

    const third = new Recorder(db, { journal: journalOf(file), ...quiet });
    third.drain();
    third.close();
    assert.equal(await count(db), 500);
    assertRollupsMatchRaw(db);
  });

  it('counts nothing twice when a replay fails once at start and the mark is lost', async () => {
    const { file, db } = tempDb();
    const crashed = new Recorder(db, { journal: journalOf(file), ...quiet });
    for (let i = 0; i < 166; i++) crashed.record(row(i));
    crashed.abandon();

    const unlock = lockWrites(file);
    const replay = new Recorder(db, { journal: journalOf(file), ...quiet });
    assert.equal(replay.flush(), false, 'database refuses at start');
    unlock();
    assert.equal(replay.drain(), true);
    assert.equal(await count(db), 166);
    replay.close();

    // Even a journal replayed from its very beginning is skipped row by row (record ids).
    db.$client.exec('DELETE FROM journal_marks');
    const again = new Recorder(db, { journal: journalOf(file), ...quiet });
    again.drain();
    again.close();
    assert.equal(await count(db), 166);
    assert.equal((db.$client.prepare("SELECT sum(cost_total_pico) AS c FROM requests").get() as { c: number }).c, Array.from({ length: 166 }, (_, i) => 1000 + i).reduce((a, b) => a + b));
    assertRollupsMatchRaw(db);
  });

  it('moves torn and unparseable lines to a .bad file and writes the rest; start-up never fails', async () => {
    const { file, db } = tempDb();
    const crashed = new Recorder(db, { journal: journalOf(file), ...quiet });
    for (let i = 0; i < 10; i++) crashed.record(row(i));
    crashed.abandon();
    const segment = fs.readdirSync(path.dirname(file)).find((f) => f.startsWith('meter.db.calls-'))!;
    fs.appendFileSync(path.join(path.dirname(file), segment), 'not json at all\n{"recordId": 5}\n{"startedAt": 17, "trunc');

    const next = new Recorder(db, { journal: journalOf(file), ...quiet });
    next.drain();
    next.close();
    assert.equal(await count(db), 10);
    const bad = fs.readFileSync(`${file}.calls.bad.jsonl`, 'utf8').trim().split('\n');
    assert.equal(bad.length, 3, 'unparseable, refused (no columns) and torn');
    assert.ok(bad.every((l) => JSON.parse(l).reason));
  });

  it('sets aside a row the database refuses for its content and writes the others', async () => {
    const { file, db } = tempDb();
    db.$client.exec(`CREATE TRIGGER refuse BEFORE INSERT ON requests WHEN NEW.upstream_id = 'id-57' BEGIN SELECT RAISE(ABORT, 'bad row'); END;`);
    const recorder = new Recorder(db, { journal: journalOf(file), ...quiet });
    for (let i = 0; i < 100; i++) recorder.record(row(i));
    assert.equal(recorder.flush(), true);
    assert.equal(await count(db), 99);
    assert.equal(recorder.quarantined, 1);
    assert.match(fs.readFileSync(`${file}.calls.bad.jsonl`, 'utf8'), /id-57.*bad row|bad row.*id-57/);
    recorder.close();
  });

  it('holds at most the queue limit in memory while writes are refused, and loses nothing', async () => {
    const { file, db } = tempDb();
    const recorder = new Recorder(db, { journal: journalOf(file, { segmentBytes: 64 * 1024 }), queueLimit: 100, ...quiet });
    const unlock = lockWrites(file);
    for (let i = 0; i < 2000; i++) {
      recorder.record(row(i));
      if (i % 250 === 0) recorder.flush();
      assert.ok(recorder.pending <= 100, `pending ${recorder.pending}`);
    }
    unlock();
    assert.equal(recorder.drain(), true);
    assert.equal(await count(db), 2000);
    // Every segment but the open one is gone once its lines are written.
    const segments = fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('meter.db.calls-'));
    assert.ok(segments.length <= 2, segments.join(', '));
    recorder.close();
    assertRollupsMatchRaw(db);
  });

  it('creates its files readable by the owner only', () => {
    const { file, db } = tempDb();
    const recorder = new Recorder(db, { journal: journalOf(file), ...quiet });
    recorder.record(row(1));
    recorder.close();
    for (const f of fs.readdirSync(path.dirname(file))) {
      assert.equal(fs.statSync(path.join(path.dirname(file), f)).mode & 0o077, 0, f);
    }
  });
});
