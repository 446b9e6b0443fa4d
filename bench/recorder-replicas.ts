// `npm run bench:replicas [-- --rows=N] [--engine=sqlite|postgres|both]`: recorder rows/s with one
// Meter process and with two sharing one database (each its own recorder and journal, as two
// replicas run), and bytes on disk per recorded call, on SQLite (one file) and on PostgreSQL (a
// throwaway cluster on this machine, fsync off). Each process prices its own share of live traffic
// first, then all start together.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openMeterDatabase } from '@/db/database';
import { query } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { createRecorder } from '@/lib/recorder/create-recorder';
import { CallJournal } from '@/lib/recorder/journal';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';
import { startPostgres, type TestPostgres } from '../test/support/postgres';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROWS = Number(arg('rows') ?? 200_000);
const ENGINES = (arg('engine') ?? 'both') === 'both' ? (['sqlite', 'postgres'] as const) : ([arg('engine') as 'sqlite' | 'postgres'] as const);

interface Done {
  rows: number;
  startedAt: number;
  endedAt: number;
}

/** A replica: prices `rows` live calls, says ready, records them in batches when told to go. */
async function replica(url: string, dir: string, rows: number, seed: number): Promise<void> {
  const { db, close } = await openMeterDatabase(url);
  const prices = await PriceBook.load(db);
  const priced = [...syntheticCalls({ requests: rows, days: rows / 20_000 / 86_400, seed })].map((call) =>
    requestRow(call, prices.price({ model: call.facts.model, servingPath: call.facts.servingPath, region: call.facts.region, at: new Date(call.startedAt) }, call.usage)),
  );
  process.send!('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  // as a replica runs: its own journal, its own timer and retry with backoff
  const journal = new CallJournal(path.join(dir, `journal.calls.bench-${seed}`), { log: () => undefined });
  const recorder = await createRecorder(db, { journal, log: () => undefined });
  const startedAt = Date.now();
  for (const row of priced) recorder.record(row);
  while (recorder.pending > 0 || recorder.replaying) await new Promise((r) => setTimeout(r, 10));
  await recorder.close();
  const done: Done = { rows: priced.length, startedAt, endedAt: Date.now() };
  process.send!(done);
  await close();
}

/** A fresh database on the engine: its URL and how many bytes it holds now. */
async function freshDatabase(engine: 'sqlite' | 'postgres', dir: string, cluster: () => Promise<TestPostgres>, n: number) {
  if (engine === 'sqlite') {
    const file = path.join(dir, 'meter.db');
    return {
      url: `file:${file}`,
      async bytes() {
        const { db, close } = await openMeterDatabase(`file:${file}`);
        (db.$client as import('better-sqlite3').Database).pragma('wal_checkpoint(TRUNCATE)');
        await close();
        return fs.readdirSync(dir).filter((f) => f.startsWith('meter.db')).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
      },
    };
  }
  const { url: adminUrl } = await cluster();
  const name = `bench_replicas_${n}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  return {
    url,
    async bytes() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query('CHECKPOINT');
      const { rows } = await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n');
      await client.end();
      return Number(rows[0]!.n);
    },
  };
}

let databases = 0;

async function run(engine: 'sqlite' | 'postgres', replicas: number, cluster: () => Promise<TestPostgres>): Promise<{ rate: number; bytesPerCall: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-replicas-'));
  const target = await freshDatabase(engine, dir, cluster, ++databases);
  const setup = await openMeterDatabase(target.url);
  await seedPriceCatalog(setup.db, loadCatalog());
  await setup.close();
  const empty = await target.bytes();
  const children = Array.from({ length: replicas }, (_, i) => fork(import.meta.filename, ['--child', target.url, dir, String(ROWS / replicas), String(i + 1)], { execArgv: ['--import', 'tsx'] }));
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.once('message', () => resolve()))));
  const results = Promise.all(children.map((c) => new Promise<Done>((resolve) => c.once('message', (m) => resolve(m as Done)))));
  for (const c of children) c.send('go');
  const done = await results;
  const elapsed = (Math.max(...done.map((d) => d.endedAt)) - Math.min(...done.map((d) => d.startedAt))) / 1000;
  const check = await openMeterDatabase(target.url);
  const [{ n } = { n: 0 }] = await query<{ n: number | string }>(check.db, sql`SELECT count(*) AS n FROM requests`);
  await check.close();
  const bytes = (await target.bytes()) - (engine === 'postgres' ? empty : 0);
  fs.rmSync(dir, { recursive: true, force: true });
  if (Number(n) !== ROWS) throw new Error(`${n} rows recorded of ${ROWS}`);
  return { rate: ROWS / elapsed, bytesPerCall: bytes / ROWS };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return replica(process.argv[3]!, process.argv[4]!, Number(process.argv[5]), Number(process.argv[6]));
  let started: Promise<TestPostgres> | undefined;
  const cluster = () => (started ??= startPostgres());
  const figures: Record<string, { one: { rate: number; bytesPerCall: number }; two: { rate: number; bytesPerCall: number } }> = {};
  try {
    for (const engine of ENGINES) {
      const one = await run(engine, 1, cluster);
      const two = await run(engine, 2, cluster);
      figures[engine] = { one, two };
      const shared = engine === 'sqlite' ? 'one file (SQLite takes one writer at a time)' : 'one database';
      console.log(`${engine.padEnd(8)} recorder, one process:  ${Math.round(one.rate).toLocaleString()} rows/s over ${ROWS.toLocaleString()} live rows`);
      console.log(`${engine.padEnd(8)} recorder, two processes: ${Math.round(two.rate).toLocaleString()} rows/s together on ${shared}: ${(two.rate / one.rate).toFixed(2)}x of one`);
      console.log(`${engine.padEnd(8)} bytes on disk per recorded call (raw row + rollups + indexes): ${Math.round(one.bytesPerCall).toLocaleString()}`);
    }
    const { sqlite, postgres } = figures;
    if (sqlite && postgres) {
      console.log(
        `PostgreSQL against SQLite: one process ${(postgres.one.rate / sqlite.one.rate).toFixed(2)}x, two processes ${(postgres.two.rate / sqlite.two.rate).toFixed(2)}x, bytes per call ${(postgres.one.bytesPerCall / sqlite.one.bytesPerCall).toFixed(2)}x`,
      );
    }
  } finally {
    await (await started)?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
