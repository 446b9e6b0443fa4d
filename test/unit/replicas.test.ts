import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { databaseAt } from '../support/migrations';
import { loadConfig } from '@/lib/config';
import { CallJournal } from '@/lib/recorder/journal';
import { adoptLegacyJournal, replicaFilePart, replicaId, replicaJournalBase } from '@/lib/recorder/replica';
import { refusedByRole } from '@/lib/server/roles';

const quiet = { log: () => undefined };

describe('replica journals', () => {
  it('are named by replica: host and port by default, or METER_REPLICA_ID', () => {
    assert.equal(replicaId(undefined, 3000), `${os.hostname()}-3000`);
    assert.notEqual(replicaId(undefined, 3000), replicaId(undefined, 3001));
    assert.equal(replicaId('meter-0', 3000), 'meter-0');
    assert.equal(replicaFilePart('pod/../x y'), 'pod_.._x_y');
    assert.equal(replicaJournalBase('/data/meter.db', 'meter-0'), '/data/meter.db.calls.meter-0');
    assert.equal(loadConfig({ METER_REPLICA_ID: ' a ' }).METER_REPLICA_ID, 'a');
    assert.throws(() => loadConfig({ METER_ROLE: 'both' }), /METER_ROLE must be all, proxy or dashboard/);
  });

  it('two replicas of one install keep apart, and the first start after the upgrade takes the shared journal once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-replicas-'));
    const dbFile = path.join(dir, 'meter.db');
    const shared = new CallJournal(`${dbFile}.calls`, quiet);
    shared.append('{"old":1}');
    shared.close();
    const legacySegments = fs.readdirSync(dir).filter((f) => /^meter\.db\.calls-\d{6}\.jsonl$/.test(f));
    assert.equal(legacySegments.length, 1);

    const a = replicaJournalBase(dbFile, 'a');
    assert.equal(adoptLegacyJournal(dbFile, a), 'meter.db.calls');
    assert.deepEqual(fs.readdirSync(dir).filter((f) => /^meter\.db\.calls-\d{6}\.jsonl$/.test(f)), [], 'no shared segment left');
    const journalA = new CallJournal(a, quiet);
    assert.deepEqual(journalA.segments().slice(0, 1), [1], 'segment numbers kept');
    assert.match(fs.readFileSync(journalA.segmentFile(1), 'utf8'), /"old":1/);

    // the other replica finds nothing to take, and replica a, started again, takes nothing more
    const b = replicaJournalBase(dbFile, 'b');
    assert.equal(adoptLegacyJournal(dbFile, b), undefined);
    const journalB = new CallJournal(b, quiet);
    journalB.append('{"new":1}');
    assert.equal(adoptLegacyJournal(dbFile, a), undefined);
    assert.ok(!fs.readFileSync(journalA.segmentFile(1), 'utf8').includes('"new"'));
    journalA.close();
    journalB.close();
  });
});

describe('replicas starting together', () => {
  it('a replica whose database is locked by another (migrating, say) waits for it instead of failing at 5 s', async () => {
    // a database one migration behind: opening it must write, so it needs the lock the holder has
    const { file, sqlite } = databaseAt('0017_daily_without_endpoint');
    sqlite.pragma('journal_mode = WAL'); // as Meter leaves every database
    sqlite.close();
    const holder = new Database(file);
    holder.prepare('BEGIN IMMEDIATE').run();
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `require('@/db/client').openDatabase(${JSON.stringify(file)}).$client.close()`], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 6500)); // past the ordinary 5 s busy timeout
    assert.equal(child.exitCode, null, `still waiting, not failed: ${errors}`);
    holder.prepare('COMMIT').run();
    assert.equal(await exited, 0, errors);
    holder.close();
  });
});

describe('replica roles', () => {
  it('decides on the normalised path: proxy replicas serve calls, dashboard replicas pages, all serve both', () => {
    assert.equal(refusedByRole('all', '/inference/v1/chat/completions'), null);
    assert.equal(refusedByRole('all', '/api/v1/overview'), null);
    assert.equal(refusedByRole('proxy', '/inference/v1/chat/completions'), null);
    assert.match(refusedByRole('proxy', '/api/v1/overview')!, /proxy only/);
    assert.match(refusedByRole('proxy', '/')!, /proxy only/);
    assert.equal(refusedByRole('dashboard', '/api/v1/overview'), null);
    assert.match(refusedByRole('dashboard', '/inference/v1/embeddings')!, /dashboard only/);
    for (const role of ['proxy', 'dashboard'] as const) {
      assert.equal(refusedByRole(role, '/healthz'), null);
      assert.equal(refusedByRole(role, '/metrics'), null);
    }
  });
});
