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
  const lock = (await sessionLock(pool, MIGRATION_LOCK_KEY, { wait: true }))!;
  try {
    await drizzleMigrate(drizzle(lock.client), { migrationsFolder });
  } finally {
    await lock.release();
  }
}

export interface SessionLock {
  /** The connection holding the lock: work that must run under it goes here. */
  client: pg.PoolClient;
  /** Unlocks and hands the connection back; one whose unlock failed is closed, which ends its lock. */
  release(): Promise<void>;
}

/**
 * A session advisory lock, for work one replica at a time may do (migrating, retention, re-pricing,
 * re-stamping teams). It lives on one pooled connection, kept out of the pool until released. With
 * `wait` it blocks until the lock is free; without, it resolves undefined when another session holds it.
 */
export async function sessionLock(pool: pg.Pool, key: bigint, { wait = false } = {}): Promise<SessionLock | undefined> {
  const client = await pool.connect();
  try {
    if (wait) await client.query('SELECT pg_advisory_lock($1)', [key.toString()]);
    else if (!(await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key.toString()])).rows[0]?.ok) {
      client.release();
      return undefined;
    }
  } catch (error) {
    client.release(true);
    throw error;
  }
  return {
    client,
    async release() {
      try {
        await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]);
        client.release();
      } catch {
        client.release(true);
      }
    },
  };
}
