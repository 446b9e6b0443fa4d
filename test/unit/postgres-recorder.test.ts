// The recorder's batch write on PostgreSQL (lib/recorder/pg-batch-writer.ts) on a throwaway cluster
// (test/support/postgres.ts): the same synthetic calls written on SQLite by the Recorder and on
// PostgreSQL by writeBatchPg give the same rollups, table by table and bit for bit; a replayed batch
// adds nothing; two pools writing interleaved batches at once neither deadlock nor lose a row; each
// batch that added rows is in recorded_batches with exactly its ids, and rows past an hour are pruned.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NewRequestRow } from '@/db/schema';
import type { PostgresDatabase } from '@/db/client-pg';
import { pgRows } from '@/lib/analytics/engine/dialect';
import { writeBatchPg, type LockStrategy } from '@/lib/recorder/pg-batch-writer';
import { Recorder } from '@/lib/recorder/recorder';
import { usePostgresDatabases } from '../support/postgres-databases';
import { assertPgRollupsMatchRaw, assertSameRollups, freshSqlite, pgSnapshot, syntheticRows } from '../support/postgres-rollups';

const HOUR = 3_600_000;

/** The rows written on SQLite by the Recorder, flushed every `batch` rows: the reference. */
async function sqliteRecorder(rows: readonly NewRequestRow[], batch: number) {
  const sqlite = await freshSqlite();
  const recorder = new Recorder(sqlite.db, { log: () => {} });
  rows.forEach((row, i) => {
    recorder.record({ ...row });
    if ((i + 1) % batch === 0) recorder.flush();
  });
  recorder.close();
  return sqlite;
}

const batches = <T>(rows: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(rows.length / size) }, (_, i) => rows.slice(i * size, (i + 1) * size));

describe('PostgreSQL batch write', () => {
  const databases = usePostgresDatabases('rec');
  /** A fresh migrated database on the cluster, and `pools` pools on it. */
  const freshDatabase = async (pools = 1) => (await databases.fresh(pools, { max: 2 })).pools;

  // Calls close together (a busy proxy: many per minute, batches share minutes and hours) and
  // calls spread over three days (each batch touches many hours), different seeds.
  let live: NewRequestRow[];
  let spread: NewRequestRow[];
  before(async () => {
    // two hours ending half an hour into a burst hour (synthetic-calls.ts: every 29th), so some calls are refused
    const burst = (Math.floor(Date.UTC(2026, 10, 20, 18) / HOUR / 29) * 29 + 1) * HOUR + HOUR / 2;
    live = await syntheticRows(3000, 2 / 24, { seed: 3, end: burst });
    spread = await syntheticRows(1500, 3, { seed: 4 });
  });

  it('gives the rollups the SQLite Recorder gives the same rows, table by table and exactly', async () => {
    const rows = [...live, ...spread];
    assert.ok(rows.some((r) => r.costTotalPico !== null && r.costTotalPico! % 1_000_000 !== 0), 'some costs have pico-dollars below a micro-dollar');
    assert.ok(rows.some((r) => r.status === 429) && rows.some((r) => r.sessionAffinity), 'refusals and sessions');
    const sqlite = await sqliteRecorder(rows, 500);
    const [pg] = await freshDatabase();
    let inserted = 0;
    for (const batch of batches(rows, 500)) inserted += (await writeBatchPg(pg!.pool, batch)).ids.length;
    assert.equal(inserted, rows.length);
    await assertSameRollups(sqlite.db, pg!.pool);
    await assertPgRollupsMatchRaw(pg!.pool);
    sqlite.dispose();
  });

  it('adds nothing for a replayed batch (the same record ids), and moves the journal mark', async () => {
    const [pg] = await freshDatabase();
    const first = live.slice(0, 800);
    const mark = (offset: number) => ({ journal: 'replica-a', position: { segment: 2, offset } });
    const written = await writeBatchPg(pg!.pool, first, { mark: mark(100) });
    assert.equal(written.ids.length, 800);
    assert.equal(written.added.length, 800);
    const before = await pgSnapshot(pg!.pool);
    const replay = await writeBatchPg(pg!.pool, first.map((r) => ({ ...r })), { mark: mark(200) });
    assert.deepEqual(replay, { ids: [], added: [] });
    assert.deepEqual(await pgSnapshot(pg!.pool), before);
    // half replayed, half new: only the new half is rolled up
    const mixed = await writeBatchPg(pg!.pool, live.slice(400, 1200).map((r) => ({ ...r })));
    assert.equal(mixed.ids.length, 400);
    assert.deepEqual(mixed.added.map((r) => r.recordId), live.slice(800, 1200).map((r) => r.recordId));
    const count = await pg!.pool.query('SELECT count(*)::int AS n FROM requests');
    assert.equal(count.rows[0].n, 1200);
    await assertPgRollupsMatchRaw(pg!.pool);
    assert.deepEqual(await pgRows(pg!.pool, 'SELECT segment, "offset" FROM journal_marks WHERE journal = $1', ['replica-a']), [{ segment: 2, offset: 200 }]);
  });

  for (const spread of [false, true]) {
    it(`waits for another writer of the same model's minute, so the hourly '*' peak sees every key's calls${spread ? ' (the first spread over more minutes than it locks one by one)' : ''}`, async () => {
      // Two batches of one minute and one model with nothing else in common (other key, serving path,
      // region): no usage rollup row is shared, only the minute's '*' rate-limit totals. The first
      // writer is held before its COMMIT; the second must wait for it rather than read the minute without it.
      const minute = Math.floor(live[1000]!.startedAt / 60_000) * 60_000;
      const base = live.filter((r) => r.status === 200 && r.limitPromptTpm).slice(0, 20);
      const one = (i: number, apiKey: string, servingPath: string, region: string): NewRequestRow => ({
        ...base[i]!, recordId: `${apiKey}-${i}`, startedAt: minute + i * 1000, model: 'accounts/fireworks/models/shared-minute', apiKey, servingPath, region, sessionAffinity: null,
      });
      // spread: 1,001 more calls a minute apart, so the first batch takes the one exclusive lock instead of a lock per minute
      const filler = spread ? Array.from({ length: 1001 }, (_, i) => ({ ...one(i % 10, 'key-one', 'standard', 'global'), recordId: `filler-${i}`, startedAt: minute + (i + 1) * 60_000 })) : [];
      const first = [...Array.from({ length: 10 }, (_, i) => one(i, 'key-one', 'standard', 'global')), ...filler];
      const second = Array.from({ length: 10 }, (_, i) => one(i + 10, 'key-two', 'priority', 'us'));
      const [a, b] = await freshDatabase(2);
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let firstAtCommit!: () => void;
      const atCommit = new Promise<void>((resolve) => (firstAtCommit = resolve));
      const writingFirst = writeBatchPg(a!.pool, first, { beforeCommit: () => (firstAtCommit(), held) });
      await atCommit;
      const writingSecond = writeBatchPg(b!.pool, second);
      // release the first once the second is blocked on a lock, or has finished without waiting
      let waited = false;
      const waiting = async () => {
        for (let i = 0; i < 200; i++) {
          const r = await a!.pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
          if (r.rows[0].n > 0) return void (waited = true);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await Promise.race([waiting(), writingSecond.catch(() => {})]);
      release();
      await Promise.all([writingFirst, writingSecond]);
      const sqlite = await sqliteRecorder([...first, ...second], 10);
      await assertSameRollups(sqlite.db, a!.pool, { mayBeEmpty: ['session_totals'] });
      sqlite.dispose();
      assert.ok(waited, 'the second writer waited for the first');
    });
  }

  it('records each batch that added rows in recorded_batches, with exactly the ids it inserted, from two writers at once', async () => {
    const [a, b] = await freshDatabase(2);
    const started = Date.now();
    const all = batches(live.slice(0, 2000), 100);
    const written: number[][] = [];
    const writer = async (db: PostgresDatabase, mine: NewRequestRow[][]) => {
      for (const batch of mine) written.push((await writeBatchPg(db.pool, batch)).ids);
    };
    await Promise.all([writer(a!, all.filter((_, i) => i % 2 === 0)), writer(b!, all.filter((_, i) => i % 2 === 1))]);
    // a replay adds no rows, so no batch
    assert.deepEqual((await writeBatchPg(a!.pool, all[0]!.map((r) => ({ ...r })))).ids, []);
    const recorded = await a!.pool.query<{ xid: string; ids: string[]; recorded_at: string }>('SELECT xid::text, ids::text[] AS ids, recorded_at::text FROM recorded_batches');
    const sorted = (ids: readonly (string | number)[]) => ids.map(Number).sort((x, y) => x - y);
    const key = (ids: number[]) => ids.join(',');
    assert.deepEqual(recorded.rows.map((r) => key(sorted(r.ids))).sort(), written.map((ids) => key(sorted(ids))).sort());
    assert.equal(new Set(recorded.rows.map((r) => r.xid)).size, all.length, 'one transaction id per batch');
    assert.ok(recorded.rows.every((r) => Number(r.recorded_at) >= started && Number(r.recorded_at) <= Date.now()));
    const ids = await a!.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM requests');
    assert.equal(ids.rows[0]!.n, 2000);
  });

  it('prunes recorded_batches older than an hour at a pool\'s first batch', async () => {
    const [pg] = await freshDatabase();
    const now = Date.now();
    // transaction ids 1 and 2 are never a normal transaction's
    await pg!.pool.query('INSERT INTO recorded_batches (xid, ids, recorded_at) VALUES (1, $1, $2), (2, $1, $3)', [[], now - 2 * HOUR, now - HOUR / 6]);
    await writeBatchPg(pg!.pool, live.slice(0, 10));
    const left = await pg!.pool.query<{ xid: string }>('SELECT xid::text FROM recorded_batches WHERE xid < 3 ORDER BY 1');
    assert.deepEqual(left.rows.map((r) => r.xid), ['2']);
  });

  for (const strategy of ['ordered', 'table-locks'] as LockStrategy[]) {
    it(`two pools writing interleaved batches at once (${strategy}): no deadlock, every rollup equals the raw rows`, async () => {
      // 40 batches of the same hours, models and keys, dealt alternately to two writers, so both
      // upsert the same rollup rows and the same minutes at the same time.
      const rows = [...live, ...spread].sort((a, b) => a.startedAt - b.startedAt);
      const all = batches(rows, Math.ceil(rows.length / 40));
      assert.equal(all.length, 40);
      const hours = (b: NewRequestRow[]) => new Set(b.map((r) => Math.floor(r.startedAt / HOUR)));
      const [a, b] = await freshDatabase(2);
      const writer = async (db: PostgresDatabase, mine: NewRequestRow[][], journal: string) => {
        let n = 0;
        for (const [i, batch] of mine.entries()) n += (await writeBatchPg(db.pool, batch, { strategy, mark: { journal, position: { segment: 1, offset: i } } })).ids.length;
        return n;
      };
      const mineA = all.filter((_, i) => i % 2 === 0);
      const mineB = all.filter((_, i) => i % 2 === 1);
      assert.ok([...hours(mineA[0]!)].some((h) => hours(mineB[0]!).has(h)), 'the writers share hours');
      // each writer also runs two batches at a time on its pool: four transactions in flight
      const [n1, n2, n3, n4] = await Promise.all([
        writer(a!, mineA.filter((_, i) => i % 2 === 0), 'a1'),
        writer(a!, mineA.filter((_, i) => i % 2 === 1), 'a2'),
        writer(b!, mineB.filter((_, i) => i % 2 === 0), 'b1'),
        writer(b!, mineB.filter((_, i) => i % 2 === 1), 'b2'),
      ]);
      assert.equal(n1! + n2! + n3! + n4!, rows.length);
      await assertPgRollupsMatchRaw(a!.pool);
      // the hourly rate-limit peaks have no raw formula: the final state does not depend on the
      // order batches land in, so it must equal SQLite's, written by one writer in time order
      const sqlite = await sqliteRecorder(rows, 100);
      await assertSameRollups(sqlite.db, a!.pool);
      sqlite.dispose();
    });
  }
});
