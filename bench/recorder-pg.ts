// `npm run bench:recorder-pg [-- --rows=N --url=postgres://…]`: the recorder's batch write on
// PostgreSQL (lib/recorder/pg-batch-writer.ts) against the SQLite Recorder on the same rows in the
// same run. N live calls (default 100,000) in batches of 2,000: rows/s with one writer and with two
// writing at once (two pools, batches dealt alternately, so both upsert the same rollup rows), for
// both ways of keeping concurrent writers apart ('ordered': key-ordered upserts plus a (model,
// minute) advisory lock; 'table-locks': an advisory lock per rollup table), and bytes on disk per
// recorded call; then the same rows through PgRecorder (the recorder itself, flushed every 2,000),
// and seedHistory (npm run seed's path: N calls over 30 days, batches of 5,000) on both engines.
// `--only=seed` runs the seed part alone. Without --url it starts a throwaway cluster
// (test/support/postgres.ts: fsync and synchronous_commit off, as the SQLite side's WAL without
// fsync per batch is not either).
import fs from 'node:fs';
import { openPostgres, type PostgresDatabase } from '@/db/client-pg';
import type { NewRequestRow } from '@/db/schema';
import { loadCatalog } from '@/lib/pricing/catalog';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { writeBatchPg, type LockStrategy } from '@/lib/recorder/pg-batch-writer';
import { PgRecorder } from '@/lib/recorder/pg-recorder';
import { Recorder } from '@/lib/recorder/recorder';
import { seedHistory } from '@/lib/seed/seed-history';
import { startPostgres } from '../test/support/postgres';
import { freshSqlite, ROLLUP_TABLES, syntheticRows } from '../test/support/postgres-rollups';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROWS = Number(arg('rows') ?? 100_000);
const ONLY = arg('only');
const BATCH = 2000;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// Live traffic, as bench/recorder.ts: calls as close together as 20k/s would put them.
let rows: NewRequestRow[] = [];
const batches: NewRequestRow[][] = [];

async function sqliteRun(): Promise<{ rate: number; bytesPerCall: number }> {
  const sqlite = await freshSqlite();
  const file = `${sqlite.dir}/meter.db`;
  const before = fs.statSync(file).size;
  const recorder = new Recorder(sqlite.db, { log: () => {} });
  const t0 = performance.now();
  rows.forEach((row, i) => {
    recorder.record({ ...row });
    if ((i + 1) % BATCH === 0) recorder.flush();
  });
  recorder.close();
  const rate = rows.length / ((performance.now() - t0) / 1000);
  sqlite.db.$client.pragma('wal_checkpoint(TRUNCATE)');
  const bytesPerCall = (fs.statSync(file).size - before) / rows.length;
  sqlite.dispose();
  return { rate, bytesPerCall };
}

let url = arg('url') ?? '';
let databases = 0;

async function freshDatabase(pools: number): Promise<{ dbs: PostgresDatabase[]; drop(): Promise<void> }> {
  const name = `bench_recorder_${process.pid}_${++databases}`;
  const admin = openPostgres(url, { max: 1 });
  await admin.pool.query(`CREATE DATABASE ${name}`);
  const dbUrl = url.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`);
  const dbs = Array.from({ length: pools }, () => openPostgres(dbUrl, { max: 2 }));
  await dbs[0]!.migrate();
  return {
    dbs,
    async drop() {
      for (const db of dbs) await db.close();
      await admin.pool.query(`DROP DATABASE ${name}`);
      await admin.close();
    },
  };
}

async function databaseBytes(db: PostgresDatabase): Promise<{ database: number; tables: number }> {
  const tables = ['requests', ...Object.keys(ROLLUP_TABLES)];
  const r = await db.pool.query('SELECT pg_database_size(current_database())::bigint AS database, (SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest($1::text[]) AS t)::bigint AS tables', [tables]);
  return { database: Number(r.rows[0].database), tables: Number(r.rows[0].tables) };
}

async function pgRun(writers: 1 | 2, strategy: LockStrategy, only = batches) {
  const { dbs, drop } = await freshDatabase(writers);
  await dbs[0]!.pool.query('CHECKPOINT');
  const before = await databaseBytes(dbs[0]!);
  const t0 = performance.now();
  await Promise.all(
    dbs.map(async (db, w) => {
      for (let i = w; i < only.length; i += writers) await writeBatchPg(db.pool, only[i]!, { strategy, mark: { journal: `w${w}`, position: { segment: 1, offset: i } } });
    }),
  );
  const written = only.reduce((n, b) => n + b.length, 0);
  const rate = written / ((performance.now() - t0) / 1000);
  await dbs[0]!.pool.query('CHECKPOINT');
  const after = await databaseBytes(dbs[0]!);
  await drop();
  return { rate, databasePerCall: (after.database - before.database) / written, tablesPerCall: (after.tables - before.tables) / written };
}

/** The same rows through the PostgreSQL recorder, as the server records them. */
async function pgRecorderRun(): Promise<number> {
  const { dbs, drop } = await freshDatabase(1);
  const recorder = await PgRecorder.open(dbs[0]!.db, { log: () => {} });
  const t0 = performance.now();
  for (const [i, row] of rows.entries()) {
    recorder.record({ ...row });
    if ((i + 1) % BATCH === 0) await recorder.flush();
  }
  await recorder.close();
  const rate = rows.length / ((performance.now() - t0) / 1000);
  await drop();
  return rate;
}

/** seedHistory's rows/s on each engine: ROWS calls over 30 days. */
async function seedRuns(): Promise<void> {
  const options = { requests: ROWS, days: 30, seed: 1 };
  const sqlite = await freshSqlite();
  let t0 = performance.now();
  await seedHistory(sqlite.db, options);
  const lite = ROWS / ((performance.now() - t0) / 1000);
  sqlite.dispose();
  const { dbs, drop } = await freshDatabase(1);
  await seedPriceCatalog(dbs[0]!.db, loadCatalog());
  t0 = performance.now();
  await seedHistory(dbs[0]!.db, options);
  const pg = ROWS / ((performance.now() - t0) / 1000);
  await drop();
  console.log(`seedHistory, ${fmt(ROWS)} calls over 30 days: SQLite ${fmt(lite)} rows/s, PostgreSQL ${fmt(pg)} rows/s (${(pg / lite).toFixed(2)}x)`);
}

async function main() {
  const cluster = arg('url') ? undefined : await startPostgres();
  url ||= cluster!.url;
  try {
    if (ONLY === 'seed') return await seedRuns();
    rows = await syntheticRows(ROWS, ROWS / 20_000 / 86_400, { end: Date.now() });
    for (let i = 0; i < rows.length; i += BATCH) batches.push(rows.slice(i, i + BATCH));
    console.log(`${fmt(ROWS)} live calls in batches of ${fmt(BATCH)}; PostgreSQL: ${cluster ? 'throwaway cluster (fsync off)' : url.replace(/\/\/[^@]*@/, '//…@')}`);
    const lite = await sqliteRun();
    console.log(`SQLite Recorder (one writer):        ${fmt(lite.rate)} rows/s, ${fmt(lite.bytesPerCall)} bytes on disk per call`);
    await pgRun(2, 'ordered', batches.slice(0, 10)); // warm-up: a cold cluster's first database is slower
    const results: Record<string, Awaited<ReturnType<typeof pgRun>>> = {};
    for (const strategy of ['ordered', 'table-locks'] as const) {
      for (const writers of [1, 2] as const) {
        const r = (results[`${strategy}/${writers}`] = await pgRun(writers, strategy));
        console.log(
          `PostgreSQL, ${writers} writer${writers > 1 ? 's' : ' '}, ${strategy.padEnd(11)}: ${fmt(r.rate)} rows/s = ${(r.rate / lite.rate).toFixed(2)}x SQLite` +
            (writers === 2 ? `, ${(r.rate / results[`${strategy}/1`]!.rate).toFixed(2)}x one writer` : ''),
        );
      }
    }
    const o = results['ordered/1']!;
    console.log(`PostgreSQL bytes per call: ${fmt(o.databasePerCall)} (pg_database_size), ${fmt(o.tablesPerCall)} (requests + rollups, pg_total_relation_size) = ${(o.databasePerCall / lite.bytesPerCall).toFixed(2)}x SQLite`);
    const twoO = results['ordered/2']!.rate;
    const twoT = results['table-locks/2']!.rate;
    console.log(`two writers: ordered = ${(twoO / twoT).toFixed(2)}x table-locks`);
    const recorderRate = await pgRecorderRun();
    console.log(`PgRecorder (one replica, ordered):   ${fmt(recorderRate)} rows/s = ${(recorderRate / o.rate).toFixed(2)}x writeBatchPg alone`);
    await seedRuns();
  } finally {
    await cluster?.stop();
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
