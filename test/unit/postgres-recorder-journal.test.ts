// The recorder on PostgreSQL (lib/recorder/pg-recorder.ts) with its call journal, on a throwaway
// cluster: a recorder killed with a batch in flight is replayed by the next one, every row once; a
// database that goes away (connections cut, a backend terminated) is retried until every row is in;
// a row the database refuses is set aside and the rest written; one recorder never has two batches
// in flight.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { openPostgres, type PostgresDatabase } from '@/db/client-pg';
import type { NewRequestRow } from '@/db/schema';
import { CallJournal } from '@/lib/recorder/journal';
import { PgRecorder } from '@/lib/recorder/pg-recorder';
import { usePostgresDatabases } from '../support/postgres-databases';
import { assertPgRollupsMatchRaw, syntheticRows } from '../support/postgres-rollups';

const quiet = { log: () => undefined };

/** A TCP relay to the cluster that can be cut (every connection dropped, new ones refused) and restored. */
async function relay(port: number) {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return void client.destroy();
    const upstream = net.connect(port, '127.0.0.1');
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', end).on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('PostgreSQL recorder', () => {
  const databases = usePostgresDatabases('recj');
  let rows: NewRequestRow[];

  /** A fresh migrated database; `port` reaches it another way (the relay). */
  async function freshDatabase(port?: number): Promise<{ db: PostgresDatabase; url: string }> {
    const { pools, url } = await databases.fresh(1, { max: 2, port });
    return { db: pools[0]!, url };
  }

  const journalIn = (dir: string) => new CallJournal(path.join(dir, 'meter.calls'), quiet);
  const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pgjournal-'));
  const copies = (from: number, to: number) => rows.slice(from, to).map((r) => ({ ...r }));

  async function stored(pool: pg.Pool) {
    const r = await pool.query<{ n: number; records: number }>('SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS records FROM requests');
    const ids = await pool.query<{ record_id: string }>('SELECT record_id FROM requests');
    return { ...r.rows[0]!, recordIds: new Set(ids.rows.map((x) => x.record_id)) };
  }

  /** recorded_batches names every stored id exactly once. */
  async function assertBatchesCoverRows(pool: pg.Pool) {
    const batched = await pool.query<{ id: string }>('SELECT unnest(ids)::text AS id FROM recorded_batches ORDER BY 1');
    const ids = await pool.query<{ id: string }>('SELECT id::text AS id FROM requests ORDER BY 1');
    assert.deepEqual(batched.rows, ids.rows);
  }

  /** Waits until a backend of this database waits on a lock; its pid. */
  async function waitingBackend(pool: pg.Pool): Promise<number> {
    for (let i = 0; i < 500; i++) {
      const r = await pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
      if (r.rows.length) return r.rows[0]!.pid;
      await sleep(10);
    }
    throw new Error('no backend waits on a lock');
  }

  /** Another session holding a lock that blocks every insert into requests. */
  async function blockInserts(url: string) {
    const other = openPostgres(url, { max: 1 });
    const client = await other.pool.connect();
    await client.query('BEGIN; LOCK TABLE requests IN SHARE MODE');
    return async () => {
      await client.query('ROLLBACK');
      client.release();
      await other.close();
    };
  }

  before(async () => {
    rows = await syntheticRows(2000, 1, { seed: 9 });
  });

  it('replays what a recorder killed with a batch in flight had journaled: every row once, rollups equal the raw rows', async () => {
    const { db, url } = await freshDatabase();
    const dir = tempDir();
    const first = await PgRecorder.open(db.db, { journal: journalIn(dir), ...quiet, flushIntervalMs: 60_000 });
    assert.equal(first.replaying, true, 'a fresh journal is read from its start');
    for (const row of copies(0, 800)) first.record(row);
    assert.equal(await first.drain(), true); // read back from the journal: a fresh one is all backlog
    assert.equal(first.replaying, false);
    assert.equal(first.written, 800);
    // the next batch is held by a lock, and killed there: its transaction dies with its connection
    const unblock = await blockInserts(url);
    for (const row of copies(800, 1500)) first.record(row);
    const inFlight = first.flush();
    const pid = await waitingBackend(db.pool);
    for (const row of copies(1500, 2000)) first.record(row); // queued behind the batch in flight
    first.abandon();
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    assert.equal(await inFlight, false);
    await unblock();
    assert.equal((await stored(db.pool)).n, 800);

    const second = await PgRecorder.open(db.db, { journal: journalIn(dir), ...quiet, flushIntervalMs: 60_000 });
    assert.equal(second.replaying, true);
    assert.equal(await second.drain(), true);
    await second.close();
    const after = await stored(db.pool);
    assert.equal(after.n, 2000);
    assert.equal(after.records, 2000);
    assert.deepEqual(after.recordIds, new Set(rows.map((r) => r.recordId)));
    assert.equal(second.written, 1200);

    // a journal read again from its very start adds nothing (record ids)
    await db.pool.query('DELETE FROM journal_marks');
    const third = await PgRecorder.open(db.db, { journal: journalIn(dir), ...quiet });
    assert.equal(await third.drain(), true);
    await third.close();
    assert.equal(third.written, 0);
    assert.equal((await stored(db.pool)).n, 2000);
    await assertPgRollupsMatchRaw(db.pool);
    await assertBatchesCoverRows(db.pool);
  });

  it('retries while the database is away (connections cut) and loses nothing; writes resume on their own', async () => {
    const way = await relay(databases.cluster.port);
    const { db } = await freshDatabase(way.port);
    const dir = tempDir();
    const recorder = await PgRecorder.open(db.db, { journal: journalIn(dir), ...quiet, flushIntervalMs: 20 });
    for (const row of copies(0, 500)) recorder.record(row);
    assert.equal(await recorder.flush(), true);
    way.cut();
    for (const row of copies(500, 1500)) recorder.record(row);
    assert.equal(await recorder.flush(), false);
    assert.ok(recorder.failedAttempts >= 1);
    assert.equal(recorder.pending, 1000, 'the refused batch is queued again');
    await sleep(300); // the timer keeps retrying meanwhile, with backoff
    assert.ok(recorder.failedAttempts >= 2, `failed ${recorder.failedAttempts}`);
    way.restore();
    for (let i = 0; i < 300 && (recorder.pending > 0 || recorder.failedAttempts > 0); i++) await sleep(20);
    assert.equal(recorder.failedAttempts, 0);
    assert.equal(recorder.pending, 0);
    await recorder.close();
    assert.equal((await stored(db.pool)).n, 1500);
    assert.equal(recorder.written, 1500);
    await assertPgRollupsMatchRaw(db.pool);
    way.cut(); // the pool's idle connections too: close() waits for every one
    await way.close();
  });

  it('retries a batch whose backend was terminated (pg_terminate_backend) and loses nothing', async () => {
    const { db, url } = await freshDatabase();
    const batches: boolean[] = [];
    const recorder = await PgRecorder.open(db.db, { ...quiet, flushIntervalMs: 20, onBatch: (_, ok) => batches.push(ok) });
    const unblock = await blockInserts(url);
    for (const row of copies(0, 700)) recorder.record(row);
    await db.pool.query('SELECT pg_terminate_backend($1)', [await waitingBackend(db.pool)]);
    for (let i = 0; i < 200 && recorder.failedAttempts === 0; i++) await sleep(10);
    assert.equal(recorder.failedAttempts, 1, '57P01 is transient: retried, not quarantined');
    await unblock();
    for (let i = 0; i < 300 && recorder.pending + recorder.failedAttempts > 0; i++) await sleep(20);
    await recorder.close();
    assert.equal(recorder.quarantined, 0);
    assert.equal((await stored(db.pool)).n, 700);
    assert.equal(batches[0], false);
    assert.equal(batches.at(-1), true);
    await assertPgRollupsMatchRaw(db.pool);
  });

  it('sets aside a row the database refuses for its content and writes the others', async () => {
    const { db } = await freshDatabase();
    const refused = rows[57]!.recordId!;
    await db.pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.record_id = '${refused}' THEN RAISE EXCEPTION 'bad row'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse BEFORE INSERT ON requests FOR EACH ROW EXECUTE FUNCTION refuse()`);
    const dir = tempDir();
    const recorder = await PgRecorder.open(db.db, { journal: journalIn(dir), ...quiet, flushIntervalMs: 60_000 });
    for (const row of copies(0, 300)) recorder.record(row);
    assert.equal(await recorder.flush(), true);
    assert.equal(recorder.quarantined, 1);
    assert.equal(recorder.written, 299);
    assert.equal(recorder.journalLagBytes, 0, 'the mark moved past the refused row');
    await recorder.close();
    const after = await stored(db.pool);
    assert.equal(after.n, 299);
    assert.equal(after.recordIds.has(refused), false);
    assert.match(fs.readFileSync(path.join(dir, 'meter.calls.bad.jsonl'), 'utf8'), new RegExp(`${refused}.*bad row|bad row.*${refused}`));
    await assertPgRollupsMatchRaw(db.pool);
    await assertBatchesCoverRows(db.pool);
  });

  it('never has two batches in flight: a flush or a timer while one waits on a lock waits for it', async () => {
    const { db, url } = await freshDatabase();
    const recorder = await PgRecorder.open(db.db, { ...quiet, flushIntervalMs: 10 });
    const unblock = await blockInserts(url);
    for (const row of copies(0, 300)) recorder.record(row);
    const first = recorder.flush();
    await waitingBackend(db.pool);
    for (const row of copies(300, 600)) recorder.record(row);
    const second = recorder.flush();
    await sleep(200); // timers fire every 10 ms meanwhile
    const waiting = await db.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    assert.equal(waiting.rows[0].n, 1, 'one batch waits; the pool (2 connections) would have let a second in');
    assert.equal(recorder.pending, 300, 'the later rows wait in memory');
    await unblock();
    assert.deepEqual(await Promise.all([first, second]), [true, true]);
    await recorder.close();
    assert.equal((await stored(db.pool)).n, 600);
  });
});
