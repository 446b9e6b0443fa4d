// `npm run seed -- --requests 10000000 --days 90 [--db file:./data/meter.db] [--seed 1]`
// Synthetic history written through the recorder, exactly as the proxy records calls.
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/client';
import { databasePath, dataDirectory, loadConfig } from '@/lib/config';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { Recorder } from '@/lib/recorder/recorder';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '100000' }, days: { type: 'string', default: '30' }, db: { type: 'string' }, seed: { type: 'string', default: '1' } },
});
const config = loadConfig({ ...process.env, ...(values.db ? { DATABASE_URL: values.db } : {}) });
const requests = Number(values.requests);
const days = Number(values.days);
if (!Number.isInteger(requests) || requests <= 0 || !(days > 0)) throw new Error('--requests must be a positive integer and --days positive');

const db = openDatabase(databasePath(config.DATABASE_URL));
seedPriceCatalog(db, loadCatalog({ sizeBasedCachedRatioBp: config.SIZE_BASED_CACHED_RATIO_BP }));
const prices = new PriceBook(db);
const recorder = new Recorder(db, { spillDirectory: dataDirectory(config.DATABASE_URL) });
const started = performance.now();
let done = 0;
for (const call of syntheticCalls({ requests, days, seed: Number(values.seed) })) {
  const { model, servingPath, region } = call.facts;
  recorder.record(requestRow(call, prices.price({ model, servingPath, region, at: new Date(call.startedAt) }, call.usage)));
  if (++done % 5000 === 0) {
    recorder.flush();
    if (done % 500_000 === 0) console.log(`${done.toLocaleString()} rows, ${Math.round(done / ((performance.now() - started) / 1000)).toLocaleString()} rows/s`);
  }
}
recorder.close();
const seconds = (performance.now() - started) / 1000;
console.log(`Seeded ${done.toLocaleString()} requests over ${days} days into ${config.DATABASE_URL} in ${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString()} rows/s).`);
