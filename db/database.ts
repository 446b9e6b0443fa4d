import type pg from 'pg';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { openDatabase, type Db } from './client';
import { openPostgres, type PgDb } from './client-pg';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema-pg';

/** Meter's database: the embedded SQLite file, or a PostgreSQL pool shared by replicas. */
export type MeterDb = Db | PgDb;

export const isSqlite = (db: MeterDb): db is Db => 'prepare' in db.$client;

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/**
 * The tables for `db`'s engine, typed as SQLite's. The PostgreSQL tree declares the same export
 * names, columns and JS types (test/unit/postgres-schema-parity.test.ts fails when they part), so
 * code written once against these types runs on both through drizzle's builders.
 */
export const tablesOf = (db: MeterDb): typeof sqliteSchema => (isSqlite(db) ? sqliteSchema : (pgSchema as unknown as typeof sqliteSchema));

/**
 * `db`'s drizzle builder, typed as SQLite's (see tablesOf). Use it with `await` only, and read
 * changed rows with `.returning()`: `.get()`, `.all()`, `.run()` and `.changes` exist on SQLite only.
 */
export const orm = (db: MeterDb): Db => db as Db;

/**
 * Runs `work` in one transaction and hands it the transaction's handle, which `work` must use for
 * every statement. On PostgreSQL that is one pooled connection between BEGIN and COMMIT. On SQLite
 * it is the connection itself between BEGIN IMMEDIATE and COMMIT: statements there complete
 * synchronously, so `work` must await nothing but database calls (no timers, no network), which keeps
 * other requests out until it commits; an outer transaction makes this one a savepoint.
 */
export async function inTransaction<T>(db: MeterDb, work: (tx: MeterDb) => Promise<T>): Promise<T> {
  if (isSqlite(db)) return inSqliteTransaction(db, work);
  const client = await (db.$client as pg.Pool).connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    try {
      const result = await work(drizzle(client, { schema: pgSchema }) as unknown as PgDb);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (healthy = false));
      throw error;
    }
  } finally {
    client.release(!healthy);
  }
}

let savepoints = 0;

async function inSqliteTransaction<T>(db: Db, work: (tx: MeterDb) => Promise<T>): Promise<T> {
  const sqlite = db.$client;
  const nested = sqlite.inTransaction;
  const name = `meter_${++savepoints}`;
  sqlite.exec(nested ? `SAVEPOINT ${name}` : 'BEGIN IMMEDIATE');
  try {
    const result = await work(db);
    sqlite.exec(nested ? `RELEASE ${name}` : 'COMMIT');
    return result;
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec(nested ? `ROLLBACK TO ${name}; RELEASE ${name}` : 'ROLLBACK');
    throw error;
  }
}

/**
 * Names sort and the request log's prefix search reads `[q, q + U+10FFFF)` ranges as SQLite does,
 * byte by byte: a database created with a language collation (en_US.UTF-8, say) orders names
 * differently and can miss prefix matches. Said once at start rather than refused: it is still correct otherwise.
 */
async function warnUnlessBytewiseCollation(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ collate: string }>('SELECT datcollate AS collate FROM pg_database WHERE datname = current_database()');
  const collate = rows[0]?.collate ?? '';
  // C.UTF-8 orders by code point, which for UTF-8 is byte order too
  if (!/^(C|POSIX)(\.utf-?8)?$/i.test(collate)) {
    console.warn(`PostgreSQL: this database sorts text as ${collate}, not C; create it with LC_COLLATE 'C' (see the README's Scale out section) so names sort and search as on SQLite.`);
  }
}

export interface OpenedDatabase {
  db: MeterDb;
  close(): Promise<void>;
}

/** Opens DATABASE_URL and applies the committed migrations for its engine before anything reads it. */
export async function openMeterDatabase(url: string, { poolSize }: { poolSize?: number } = {}): Promise<OpenedDatabase> {
  if (isPostgresUrl(url)) {
    const opened = openPostgres(url, { max: poolSize });
    await opened.migrate();
    await warnUnlessBytewiseCollation(opened.pool);
    return { db: opened.db, close: opened.close };
  }
  const db = openDatabase(path.resolve(url.slice('file:'.length)));
  return {
    db,
    close: async () => {
      db.$client.close();
    },
  };
}
