// The app the browser tests drive: Meter + simulator + deterministic traffic, on a fresh database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@/lib/config';
import { seedHistory } from '@/lib/seed/seed-history';
import { startMeter } from '@/lib/server/meter';
import { runMeterProcess } from '@/lib/server/run';
import { startSimulator } from '@/simulator/server';
import { runTraffic } from '@/simulator/traffic';
import { startPostgres } from '../test/support/postgres';
import { E2E_ADMIN_TOKEN } from './token';

/** `METER_E2E_ENGINE=postgres`: the same app on a throwaway PostgreSQL cluster instead of a SQLite file. */
async function databaseUrl(dir: string): Promise<string> {
  if (process.env.METER_E2E_ENGINE !== 'postgres') return `file:${path.join(dir, 'meter.db')}`;
  return (await startPostgres()).url; // stopped by its own exit hook when this process ends
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-e2e-'));
  const sim = await startSimulator({ seed: 7 });
  const env = { DATABASE_URL: await databaseUrl(dir), METER_DATA_DIR: dir, FIREWORKS_BASE_URL: sim.url, METER_ADMIN_TOKEN: E2E_ADMIN_TOKEN, HOST: '127.0.0.1' };
  // Fill the database through the real proxy before the dashboard accepts the browser.
  const filler = await startMeter({ config: loadConfig({ ...env, PORT: '0' }), log: () => undefined });
  // a week of history (through the recorder, as the proxy writes it) so charts have a shape
  await seedHistory(filler.runtime.db, { requests: 20_000, days: 7, seed: 5, end: Date.now() - 3_600_000 });
  await runTraffic({ meterOrigin: filler.origin, requests: 300, concurrency: 6, seed: 11 });
  await filler.close();
  await runMeterProcess(loadConfig({ ...process.env, ...env, PORT: process.env.E2E_PORT ?? '3210' }));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
