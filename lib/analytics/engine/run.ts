import type Database from 'better-sqlite3';
import type { Db } from '@/db/client';

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Runs a read query with a cached prepared statement (dashboard queries repeat with new parameters). */
export function query<T>(db: Db, sql: string, params: readonly unknown[]): T[] {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.$client.prepare(sql);
    if (cache.size > 500) cache.clear();
    cache.set(sql, statement);
  }
  return statement.all(...params) as T[];
}
