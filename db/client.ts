import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';
import { databasePath, loadConfig } from '@/lib/config';
import { getRuntime } from '@/lib/runtime';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = path.join(process.cwd(), 'db/migrations');

/** Opens (creating if needed) the SQLite file in WAL mode and applies committed migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  // The default 2 MB page cache thrashes once indexes outgrow it (millions of rows); 64 MB keeps
  // index inserts and rollup upserts in memory.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder });
  return db;
}

let shared: Db | undefined;

/** The server's connection when running inside Meter; otherwise one opened from DATABASE_URL. */
export function getDb(): Db {
  const runtime = getRuntime();
  if (runtime) return runtime.db;
  shared ??= openDatabase(databasePath(loadConfig().DATABASE_URL));
  return shared;
}
