// Retention and the seed on PostgreSQL, on a throwaway cluster: old raw rows go in bounded batches
// under an advisory lock (a replica finding it held leaves the work to the holder) and the rollups
// stay; seedHistory writes through the PostgreSQL recorder the same rollups it writes on SQLite.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { openPostgres } from '@/db/client-pg';
import { loadCatalog } from '@/lib/pricing/catalog';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { writeBatchPg } from '@/lib/recorder/pg-batch-writer';
import { dropRawRowsBefore, dropRawRowsBeforePg, RETENTION_LOCK_KEY, scheduleRetention } from '@/lib/recorder/retention';
import { seedHistory } from '@/lib/seed/seed-history';
import { usePostgresDatabases } from '../support/postgres-databases';
import { assertPgRollupsMatchRaw, assertSameRollups, freshSqlite, pgSnapshot, syntheticRows } from '../support/postgres-rollups';

const DAY = 86_400_000;

describe('retention and the seed on PostgreSQL', () => {
  const databases = usePostgresDatabases('recrs');
  const freshDatabase = async () => (await databases.fresh()).pools[0]!;

  const count = async (pool: pg.Pool, where = 'true', params: unknown[] = []) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM requests WHERE ${where}`, params)).rows[0]!.n;

  it('drops raw rows before the cutoff in bounded batches, keeps the rollups, and leaves the work to a replica holding the lock', async () => {
    const db = await freshDatabase();
    const rows = await syntheticRows(3000, 3, { seed: 21 });
    for (let i = 0; i < rows.length; i += 500) await writeBatchPg(db.pool, rows.slice(i, i + 500));
    const rollups = await pgSnapshot(db.pool);
    const cutoff = rows[1800]!.startedAt;
    const old = rows.filter((r) => r.startedAt < cutoff).length;

    // another replica is applying retention: this one does nothing
    const other = await db.pool.connect();
    await other.query('SELECT pg_advisory_lock($1)', [RETENTION_LOCK_KEY.toString()]);
    assert.equal(await dropRawRowsBeforePg(db.pool, cutoff, 250), null);
    assert.equal(await count(db.pool), 3000);
    await other.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY.toString()]);
    other.release();

    assert.equal(await dropRawRowsBeforePg(db.pool, cutoff, 250), old); // 250 a batch: several rounds
    assert.equal(await count(db.pool, 'started_at < $1', [cutoff]), 0);
    assert.equal(await count(db.pool), 3000 - old);
    assert.deepEqual(await pgSnapshot(db.pool), rollups, 'rollups kept');
    assert.equal(await dropRawRowsBeforePg(db.pool, cutoff), 0);
    const held = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
    assert.equal(held.rows[0]!.n, 0, 'the lock is given back');
  });

  it('stops between batches when the pool is ending (shutdown), so pool.end() does not wait for the whole run', async () => {
    const db = await freshDatabase();
    const url = (db.pool.options as { connectionString: string }).connectionString;
    const rows = await syntheticRows(2000, 3, { seed: 23 });
    await writeBatchPg(db.pool, rows);
    const closing = openPostgres(url, { max: 1 });
    const run = dropRawRowsBeforePg(closing.pool, Date.now(), 5); // 400 batches
    for (let locked = 0; !locked; ) locked = (await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'")).rows[0]!.n;
    await closing.close(); // waits for the run's client
    const dropped = await run;
    assert.ok(dropped !== null && dropped < 2000, `dropped ${dropped}`);
    assert.equal(await count(db.pool), 2000 - dropped!);
  });

  it('scheduleRetention on PostgreSQL applies RETENTION_DAYS at once, as on SQLite', async () => {
    const db = await freshDatabase();
    const rows = await syntheticRows(1200, 3, { seed: 22, end: Date.now() });
    await writeBatchPg(db.pool, rows);
    const old = rows.filter((r) => r.startedAt < Date.now() - 2 * DAY).length;
    assert.ok(old > 100);
    const logged: string[] = [];
    const timer = scheduleRetention(db.db, 2, (m) => logged.push(m));
    for (let i = 0; i < 200 && !logged.length; i++) await new Promise((r) => setTimeout(r, 10));
    clearInterval(timer);
    assert.deepEqual(logged, [`retention: dropped ${old} raw rows older than 2 days (rollups kept)`]);
    assert.equal(await count(db.pool), 1200 - old);

    const sqlite = await freshSqlite();
    assert.equal(dropRawRowsBefore(sqlite.db, Date.now()), 0);
    sqlite.dispose();
  });

  it('seedHistory writes through the PostgreSQL recorder the rollups it writes on SQLite', async () => {
    const db = await freshDatabase();
    await seedPriceCatalog(db.db, loadCatalog());
    const options = { requests: 12_000, days: 3, end: Date.UTC(2026, 10, 20), seed: 5 };
    const progress: number[] = [];
    assert.equal(await seedHistory(db.db, options, (n) => progress.push(n)), 12_000);
    assert.deepEqual(progress, [5000, 10_000]);
    assert.equal(await count(db.pool), 12_000);
    await assertPgRollupsMatchRaw(db.pool);
    const priced = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM requests WHERE price_id IS NOT NULL');
    assert.ok(priced.rows[0]!.n > 10_000, 'priced from the catalog on PostgreSQL');

    const sqlite = await freshSqlite();
    assert.equal(await seedHistory(sqlite.db, options), 12_000);
    await assertSameRollups(sqlite.db, db.pool);
    sqlite.dispose();
  });
});
