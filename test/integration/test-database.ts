// The database an integration test's Meter processes share: a fresh SQLite file, or a fresh
// database on a throwaway PostgreSQL cluster (one cluster per test file, started on first use).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openDatabase } from '@/db/client';
import { assertPgRollupsMatchRaw } from '../support/postgres-rollups';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { assertRollupsMatchRaw } from '../support/rollups';

export type Engine = 'sqlite' | 'postgres';

/** Both engines, unless METER_TEST_ENGINES narrows them (e.g. `sqlite` on a machine without PostgreSQL). */
export const ENGINES: Engine[] = (process.env.METER_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()).filter((e): e is Engine => e === 'sqlite' || e === 'postgres');

export interface TestDatabase {
  engine: Engine;
  /** DATABASE_URL and METER_DATA_DIR for a Meter process on this database. */
  env: Record<string, string>;
  /** Where the processes' call journals and admin token live. */
  dataDir: string;
  /** The SQLite file; undefined on PostgreSQL. */
  file?: string;
  /** Every row of a query, numbers as numbers on both engines. */
  rows<T = Record<string, unknown>>(text: string): Promise<T[]>;
  assertRollupsMatchRaw(): Promise<void>;
  close(): Promise<void>;
}

export async function testDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-it-'));
  if (engine === 'sqlite') return sqliteDatabase(path.join(dataDir, 'meter.db'));
  const cluster = await sharedCluster();
  const name = `meter_it_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = cluster.url.replace(/\/postgres$/, `/${name}`);
  // allowExitOnIdle: a test that never closes its database does not keep the test process alive
  const pool = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true, types: { getTypeParser: numbersAsNumbers } as pg.CustomTypesConfig });
  return {
    engine,
    env: { DATABASE_URL: url, METER_DATA_DIR: dataDir },
    dataDir,
    rows: async <T>(text: string) => (await pool.query(text)).rows as T[],
    assertRollupsMatchRaw: () => assertPgRollupsMatchRaw(pool, { withSessions: false }),
    close: () => pool.end(),
  };
}

/** A SQLite file by path (tests that place it on a particular disk). */
export function sqliteDatabase(file: string): TestDatabase {
  return {
    engine: 'sqlite',
    env: { DATABASE_URL: `file:${file}` },
    dataDir: path.dirname(file),
    file,
    async rows<T>(text: string) {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(text).all() as T[];
      } finally {
        db.close();
      }
    },
    async assertRollupsMatchRaw() {
      const db = openDatabase(file);
      try {
        assertRollupsMatchRaw(db);
      } finally {
        db.$client.close();
      }
    },
    close: async () => undefined,
  };
}

let cluster: Promise<TestPostgres> | undefined;
let databases = 0;
const sharedCluster = () => (cluster ??= startPostgres());

// int8 (counts, ids, times, pico-dollars) as numbers and booleans as 1/0, as SQLite gives them; tests stay below 2^53.
const numbersAsNumbers = (oid: number, format?: string) =>
  oid === 20 ? (v: string) => Number(v) : oid === 16 ? (v: string) => (v === 't' ? 1 : 0) : pg.types.getTypeParser(oid, format as 'text');
