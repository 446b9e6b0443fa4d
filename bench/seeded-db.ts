import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';

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
