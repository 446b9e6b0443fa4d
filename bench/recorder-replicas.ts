// `npm run bench:replicas [-- --rows=N]`: recorder rows/s with one Meter process and with two
// sharing one SQLite file (each its own recorder, as two replicas run), and bytes on disk per
// recorded call. Each process prices its own share of live traffic first, then all start together.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { CallJournal } from '@/lib/recorder/journal';
import { Recorder } from '@/lib/recorder/recorder';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';

const ROWS = Number(process.argv.find((a) => a.startsWith('--rows='))?.slice(7) ?? 200_000);

interface Done {
  rows: number;
  startedAt: number;
  endedAt: number;
}

/** A replica: prices `rows` live calls, says ready, records them in batches when told to go. */
async function replica(file: string, rows: number, seed: number): Promise<void> {
  const db = openDatabase(file);
  const prices = await PriceBook.load(db);
  const priced = [...syntheticCalls({ requests: rows, days: rows / 20_000 / 86_400, seed })].map((call) =>
    requestRow(call, prices.price({ model: call.facts.model, servingPath: call.facts.servingPath, region: call.facts.region, at: new Date(call.startedAt) }, call.usage)),
  );
  process.send!('ready');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  // as a replica runs: its own journal, its own timer and retry with backoff (the lock is another replica's half the time)
  const journal = new CallJournal(`${file}.calls.bench-${seed}`, { log: () => undefined });
  const recorder = new Recorder(db, { journal, log: () => undefined });
  const startedAt = Date.now();
  for (const row of priced) recorder.record(row);
  while (recorder.pending > 0 || recorder.replaying) await new Promise((r) => setTimeout(r, 10));
  recorder.close();
  const done: Done = { rows: priced.length, startedAt, endedAt: Date.now() };
  process.send!(done);
  db.$client.close();
}

async function run(replicas: number): Promise<{ rate: number; bytesPerCall: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-replicas-'));
  const file = path.join(dir, 'meter.db');
  const db = openDatabase(file);
  await seedPriceCatalog(db, loadCatalog());
  db.$client.close();
  const children = Array.from({ length: replicas }, (_, i) => fork(import.meta.filename, ['--child', file, String(ROWS / replicas), String(i + 1)], { execArgv: ['--import', 'tsx'] }));
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.once('message', () => resolve()))));
  const results = Promise.all(children.map((c) => new Promise<Done>((resolve) => c.once('message', (m) => resolve(m as Done)))));
  for (const c of children) c.send('go');
  const done = await results;
  const elapsed = (Math.max(...done.map((d) => d.endedAt)) - Math.min(...done.map((d) => d.startedAt))) / 1000;
  const check = openDatabase(file);
  const recorded = (check.$client.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  check.$client.pragma('wal_checkpoint(TRUNCATE)');
  check.$client.close();
  const bytes = fs.readdirSync(dir).filter((f) => f.startsWith('meter.db')).reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  if (recorded !== ROWS) throw new Error(`${recorded} rows recorded of ${ROWS}`);
  return { rate: ROWS / elapsed, bytesPerCall: bytes / ROWS };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return replica(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  const one = await run(1);
  const two = await run(2);
  console.log(`recorder, one process:             ${Math.round(one.rate).toLocaleString()} rows/s over ${ROWS.toLocaleString()} live rows`);
  console.log(`recorder, two processes, one file: ${Math.round(two.rate).toLocaleString()} rows/s together (${(two.rate / one.rate).toFixed(2)}x of one; SQLite takes one writer at a time)`);
  console.log(`bytes on disk per recorded call (SQLite, raw row + rollups + indexes): ${Math.round(one.bytesPerCall).toLocaleString()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
