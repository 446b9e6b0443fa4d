// `npm run bench:recorder [-- --rows=N --scale=1m]`: sustained rows per second through the recorder (raw rows + rollups,
// one transaction per batch), against a bare prepared INSERT of the same rows as the reference.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { Recorder } from '@/lib/recorder/recorder';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';
import { scaleArg, seededDatabase } from './seeded-db';

const ROWS = Number(process.argv.find((a) => a.startsWith('--rows='))?.slice(7) ?? 500_000);

/** An empty database, or a copy of a seeded one (so the benchmark never changes the seeded file). */
async function freshDb(copyOf?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-rec-'));
  if (copyOf) fs.copyFileSync(copyOf, path.join(dir, 'meter.db'));
  const db = openDatabase(path.join(dir, 'meter.db'));
  await seedPriceCatalog(db, loadCatalog());
  return { db, dir };
}

async function pricedRows(days: number) {
  const { db } = await freshDb();
  const prices = await PriceBook.load(db);
  return [...syntheticCalls({ requests: ROWS, days })].map((call) =>
    requestRow(call, prices.price({ model: call.facts.model, servingPath: call.facts.servingPath, region: call.facts.region, at: new Date(call.startedAt) }, call.usage)),
  );
}

/** Rows per second through the recorder, flushed in batches of 2,000 (a busy proxy's 50 ms at 40k calls/s). */
async function recorderRate(rows: Awaited<ReturnType<typeof pricedRows>>, copyOf?: string): Promise<number> {
  const { db, dir } = await freshDb(copyOf);
  const recorder = new Recorder(db);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i++) {
    recorder.record(rows[i]!);
    if ((i + 1) % 2000 === 0) recorder.flush();
  }
  recorder.close();
  const rate = rows.length / ((performance.now() - t0) / 1000);
  db.$client.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

async function main() {
  // Live traffic: calls as close together as 20k/s would put them, so a batch falls in one minute.
  // History import: the same number spread over 30 days, so each batch touches many hours (worst case).
  const live = await recorderRate(await pricedRows(ROWS / 20_000 / 86_400));
  const rows = await pricedRows(30);
  const history = await recorderRate(rows);

  const bare = await freshDb();
  const columns = Object.keys(rows[0]!);
  const insert = bare.db.$client.prepare(`INSERT INTO requests (${columns.map((c) => `"${c.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const t0 = performance.now();
  const insertAll = bare.db.$client.transaction((batch: typeof rows) => {
    for (const row of batch) insert.run(Object.values(row).map((v) => (typeof v === 'boolean' ? Number(v) : v ?? null)));
  });
  for (let i = 0; i < rows.length; i += 2000) insertAll(rows.slice(i, i + 2000));
  const bareRate = ROWS / ((performance.now() - t0) / 1000);

  console.log(`recorder, live traffic:    ${Math.round(live).toLocaleString()} rows/s sustained over ${ROWS.toLocaleString()} rows (raw rows + every rollup)`);
  console.log(`recorder, history import: ${Math.round(history).toLocaleString()} rows/s (calls spread over 30 days: every batch touches many hours)`);
  // At scale: the same live traffic appended to a copy of the 10M-row seeded database (--scale=10m).
  if (scaleArg(process.argv).includes(10_000_000)) {
    const seeded = seededDatabase(10_000_000, 90);
    const atScale = await recorderRate((await pricedRows(ROWS / 20_000 / 86_400)).slice(0, 100_000), seeded);
    console.log(`recorder, live traffic into a 10M-row database: ${Math.round(atScale).toLocaleString()} rows/s over 100,000 rows (${(atScale / live).toFixed(2)}x of the empty database)`);
  }
  console.log(`reference (bare INSERT, no rollups): ${Math.round(bareRate).toLocaleString()} rows/s; recorder = ${(live / bareRate).toFixed(2)}x (live), ${(history / bareRate).toFixed(2)}x (history) of it`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
