import type Database from 'better-sqlite3';
import type pg from 'pg';
import type { Db } from '@/db/client';
import { isSqlite, type MeterDb } from '@/db/database';
import { pgRows } from './dialect';
import { render, type Dialect, type Sql } from './sql';

/** What a dashboard question reads from: Meter's SQLite database, or a PostgreSQL pool with drizzle on top. */
export type AnalyticsDb = MeterDb;

export const dialectOf = (db: AnalyticsDb): Dialect => (isSqlite(db) ? 'sqlite' : 'pg');

/** Runs a read query: on SQLite through a cached prepared statement, on PostgreSQL through the pool. */
export async function query<T>(db: AnalyticsDb, fragment: Sql): Promise<T[]> {
  if (isSqlite(db)) return querySqlite<T>(db, fragment);
  const { text, params } = render(fragment, 'pg');
  return pgRows<T>(db.$client, text, params);
}

/** Runs a write and returns how many rows it changed. */
export async function execute(db: MeterDb, fragment: Sql): Promise<number> {
  if (isSqlite(db)) {
    const { text, params } = render(fragment, 'sqlite');
    return db.$client.prepare(text).run(...params).changes;
  }
  const { text, params } = render(fragment, 'pg');
  const result = await (db.$client as pg.Pool).query(text, params.map((p) => (typeof p === 'bigint' ? p.toString() : p)));
  return result.rowCount ?? 0;
}

/**
 * The same on SQLite, synchronously: for callers that are synchronous by design (the budget monitor
 * and watches in lib/budgets read spend inside synchronous checks).
 */
export function querySqlite<T>(db: Db, fragment: Sql): T[] {
  const { text, params } = render(fragment, 'sqlite');
  return querySync<T>(db, text, params);
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Runs SQLite text with `?` parameters on a cached prepared statement (dashboard queries repeat with new parameters). */
export function querySync<T>(db: Db, text: string, params: readonly unknown[]): T[] {
  let cache = statements.get(db.$client);
  if (!cache) statements.set(db.$client, (cache = new Map()));
  let statement = cache.get(text);
  if (!statement) {
    statement = db.$client.prepare(text);
    if (cache.size > 500) cache.clear();
    cache.set(text, statement);
  }
  return statement.all(...params) as T[];
}
