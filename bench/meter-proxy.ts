// Meter's proxy with recording on, without the dashboard, for the proxy benchmark.
// BENCH_WITHOUT_JOURNAL=1 runs it without the call journal, to measure what the journal costs.
// BENCH_BUDGETS=N defines N blocking budgets first (half cover every call, none is used up), to
// measure what enforcement costs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@/db/client';
import { createBudget } from '@/lib/budgets/store';
import { loadConfig } from '@/lib/config';
import { startMeter } from '@/lib/server/meter';

async function defineBudgets(file: string, n: number): Promise<void> {
  const db = openDatabase(file);
  for (let i = 0; i < n; i++) {
    const scope = i % 2 === 0 ? {} : { team: [`team-${i}`], servingPath: ['priority' as const] };
    await createBudget(db, { name: `bench ${i}`, scope, period: (['day', 'week', 'month'] as const)[i % 3]!, timeZone: i % 4 === 0 ? 'Europe/Berlin' : 'UTC', amountPico: 10n ** 18n, thresholds: [0.5, 0.8, 1], action: 'block', channels: [] });
  }
  db.$client.close();
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-'));
  const budgets = Number(process.env.BENCH_BUDGETS ?? 0);
  if (budgets) await defineBudgets(path.join(dir, 'meter.db'), budgets);
  const meter = await startMeter({
  config: loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `file:${path.join(dir, 'meter.db')}`, METER_DATA_DIR: dir, METER_ADMIN_TOKEN: 'bench-admin-token-0123456789' }),
  log: () => undefined,
  withoutJournal: process.env.BENCH_WITHOUT_JOURNAL === '1',
});
  console.log(`meter proxy on ${meter.origin}`);
  process.on('SIGTERM', () => void meter.close().finally(() => process.exit(0)));
}

void main();
