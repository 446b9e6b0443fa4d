import path from 'node:path';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import * as schema from './schema-pg';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface PostgresDatabase {
  db: PgDb;
  pool: pg.Pool;
  /**
   * Applies db/migrations-pg under a session advisory lock, so replicas starting together migrate
   * once: the first applies, the others wait for the lock and then find nothing left to do.
   */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenPostgresOptions {
  /** Pool size (pg's default is 10). */
  max?: number;
  migrationsFolder?: string;
}

/** pg_advisory_lock key held while migrating: any fixed bigint; this one is "meterMig" in ASCII. */
export const MIGRATION_LOCK_KEY = 0x6d657465724d6967n;

const defaultMigrationsFolder = () => path.join(process.cwd(), 'db/migrations-pg');

/**
 * A pool on a postgres:// URL with drizzle on top. Nothing is migrated until migrate() is called.
 * Raw `pool.query` results keep pg's defaults: bigint (int8) and numeric values, including every
 * count(*) and sum(…), arrive as strings; drizzle's typed selects map bigint columns to numbers.
 */
export function openPostgres(url: string, { max, migrationsFolder = defaultMigrationsFolder() }: OpenPostgresOptions = {}): PostgresDatabase {
  // pg waits for a connection forever by default: a server that stops answering would hang shutdown.
  // JIT off for every session: the dashboard's plans over json ranges are costed as millions of rows
  // (jsonb_array_elements is guessed at 100), so PostgreSQL compiled them, which took 1-5 s a query
  // at 1M calls for work that runs in 50-700 ms; the recorder's upserts paid a fifth of each batch.
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'fireworks-meter', connectionTimeoutMillis: 10_000, options: '-c jit=off' });
  // A client that loses its server (restart, failover) emits 'error', idle in the pool or checked
  // out mid-transaction; without a listener that would crash the process. The query in flight
  // fails on its own, and the caller retries.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzle(pool, { schema }) as PgDb;
  return {
    db,
    pool,
    migrate: () => migrateWithLock(pool, migrationsFolder),
    close: () => pool.end(),
  };
}

async function migrateWithLock(pool: pg.Pool, migrationsFolder: string): Promise<void> {
  // A session lock lives on one connection: take it, migrate and release on that same client.
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await drizzleMigrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } catch (error) {
    healthy = false; // the lock may still be held on this connection: do not hand it back to the pool
    throw error;
  } finally {
    client.release(!healthy);
  }
}
