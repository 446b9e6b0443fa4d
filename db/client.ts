import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { databasePath, loadConfig } from '@/lib/config';
import type { MeterDb } from './database';
import { getRuntime } from '@/lib/runtime';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = path.join(process.cwd(), 'db/migrations');
const MIGRATION_WAIT_MS = 15 * 60_000;

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies committed migrations. The file
 * is readable by its owner only; SQLite gives the -wal and -shm files the database file's mode.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // The default 2 MB page cache thrashes once indexes outgrow it (millions of rows); 64 MB keeps
  // index inserts and rollup upserts in memory.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = drizzle(sqlite, { schema });
  // Replicas sharing the file start together: one migrates (a long one takes minutes at 10M rows)
  // while the others wait for its lock, then find nothing left to apply, instead of failing at 5 s.
  sqlite.pragma(`busy_timeout = ${MIGRATION_WAIT_MS}`);
  migrate(db, { migrationsFolder });
  sqlite.pragma('busy_timeout = 5000');
  return db;
}

function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch {
      /* absent, or not ours to change */
    }
  }
}

let shared: Db | undefined;

/** The server's database when running inside Meter; otherwise the SQLite file DATABASE_URL names (a PostgreSQL URL needs the server, which migrates it first). */
export function getDb(): MeterDb {
  const runtime = getRuntime();
  if (runtime) return runtime.db;
  const file = databasePath(loadConfig().DATABASE_URL);
  if (!file) throw new Error('getDb(): a PostgreSQL DATABASE_URL is opened by the server (openMeterDatabase), not here.');
  shared ??= openDatabase(file);
  return shared;
}
