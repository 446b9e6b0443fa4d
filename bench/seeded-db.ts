import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { startProcess } from './harness';

export const DAY = 86_400_000;

/** A database of `requests` synthetic calls over `days`, seeded once through the recorder and reused. */
export function seededDatabase(requests: number, days: number): string {
  const dir = path.resolve('bench/.data');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `seed-${requests}-${days}d.db`);
  if (fs.existsSync(file)) {
    const db = new Database(file, { readonly: true });
    const { n } = db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number };
    db.close();
    if (n === requests) return file;
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
  console.log(`Seeding ${requests.toLocaleString()} requests over ${days} days into ${file} (once; reused by later runs)...`);
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--requests', String(requests), '--days', String(days), '--db', `file:${file}`], { stdio: 'inherit' });
  if (seeded.status !== 0) throw new Error('seeding failed');
  return file;
}

export function scaleArg(argv: string[]): number[] {
  const arg = argv.find((a) => a.startsWith('--scale='))?.slice('--scale='.length) ?? '1m,10m';
  return arg.split(',').map((s) => Number(s.replace(/m$/i, '')) * 1_000_000 || Number(s.replace(/k$/i, '')) * 1000);
}

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** The minute just after a seeded database's last call, where the benchmarks' ranges end. */
function seededEnd(file: string): Date {
  const db = new Database(file, { readonly: true });
  const { last } = db.prepare('SELECT max(started_at) AS last FROM requests').get() as { last: number };
  db.close();
  return new Date(Math.ceil(last / 60_000) * 60_000 + 60_000);
}

/**
 * The real server on a seeded database, and the minute just after its last call (where the
 * benchmarks' ranges end). `databaseUrl` serves a copy of it instead (PostgreSQL), with the call
 * journal in `dataDir`.
 */
export async function serveSeeded(file: string, { databaseUrl = `file:${file}`, dataDir }: { databaseUrl?: string; dataDir?: string } = {}): Promise<{ server: Awaited<ReturnType<typeof startProcess>>; end: Date }> {
  const end = seededEnd(file);
  const server = await startProcess(process.execPath, ['--import', 'tsx', 'server.ts'], /listening on (http:\/\/\S+)/, {
    PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, METER_ADMIN_TOKEN: BENCH_ADMIN_TOKEN, FIREWORKS_BASE_URL: 'http://127.0.0.1:9/inference/v1',
    ...(dataDir ? { METER_DATA_DIR: dataDir } : {}),
  });
  return { server, end };
}
