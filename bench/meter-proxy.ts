// Meter's proxy with recording on, without the dashboard, for the proxy benchmark.
// BENCH_WITHOUT_JOURNAL=1 runs it without the call journal, to measure what the journal costs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@/lib/config';
import { startMeter } from '@/lib/server/meter';

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-'));
  const meter = await startMeter({
  config: loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dir, 'meter.db')}`, METER_ADMIN_TOKEN: 'bench-admin-token-0123456789' }),
  log: () => undefined,
  withoutJournal: process.env.BENCH_WITHOUT_JOURNAL === '1',
});
  console.log(`meter proxy on ${meter.origin}`);
  process.on('SIGTERM', () => void meter.close().finally(() => process.exit(0)));
}

void main();
