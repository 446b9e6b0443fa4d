// `npm run seed -- --requests 10000000 --days 90 [--db file:./data/meter.db] [--seed 1]`
// Synthetic history written through the recorder, exactly as the proxy records calls.
import { parseArgs } from 'node:util';
import { openMeterDatabase } from '@/db/database';
import { loadConfig } from '@/lib/config';
import { loadCatalog } from '@/lib/pricing/catalog';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { seedHistory } from '@/lib/seed/seed-history';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '100000' }, days: { type: 'string', default: '30' }, db: { type: 'string' }, seed: { type: 'string', default: '1' } },
});
const config = loadConfig({ ...process.env, ...(values.db ? { DATABASE_URL: values.db } : {}) });
const requests = Number(values.requests);
const days = Number(values.days);
if (!Number.isInteger(requests) || requests <= 0 || !(days > 0)) throw new Error('--requests must be a positive integer and --days positive');

async function main() {
  const { db, close } = await openMeterDatabase(config.DATABASE_URL);
  await seedPriceCatalog(db, loadCatalog({ sizeBasedCachedRatioBp: config.SIZE_BASED_CACHED_RATIO_BP }));
  const started = performance.now();
  const rate = (done: number) => Math.round(done / ((performance.now() - started) / 1000)).toLocaleString();
  const done = await seedHistory(db, { requests, days, seed: Number(values.seed) }, (n) => {
    if (n % 500_000 === 0) console.log(`${n.toLocaleString()} rows, ${rate(n)} rows/s`);
  });
  await close();
  console.log(`Seeded ${done.toLocaleString()} requests over ${days} days into ${config.DATABASE_URL.replace(/\/\/[^@/]*@/, '//…@')} in ${((performance.now() - started) / 1000).toFixed(1)} s (${rate(done)} rows/s).`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
