// `npm run db:copy-to-postgres -- --from file:./data/meter.db --to postgres://user@host/meter`
// Moves a SQLite Meter database into PostgreSQL: every table of db/schema, rollups included (they
// are exact, and copying them is far faster than rebuilding them from the calls). Stop Meter on the
// SQLite file first: a clean stop records everything its call journal still holds. The target is
// migrated here and must hold no calls; the copy is one transaction, so a failed copy leaves it as
// it was and can simply be run again.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import path from 'node:path';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { is } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { isPostgresUrl, openMeterDatabase } from '@/db/database';
import * as sqliteSchema from '@/db/schema';
import * as pgSchema from '@/db/schema-pg';
import { databasePath } from '@/lib/config';

export interface CopiedTable {
  name: string;
  /** db/schema's columns in its order, each with its PostgreSQL type (the unnest array's element type). */
  columns: { name: string; pgType: string }[];
  primaryKey: string[];
  /** PostgreSQL's identity column, whose sequence must move past the copied ids. */
  identity?: string;
}

/**
 * Every table of db/schema with its PostgreSQL twin (same export name in db/schema-pg). Drizzle's
 * migrations table is in neither tree, and recorded_batches is in the PostgreSQL tree only, so
 * neither is copied.
 */
export function copiedTables(): CopiedTable[] {
  const pgTables = pgSchema as Record<string, unknown>;
  return Object.entries(sqliteSchema as Record<string, unknown>)
    .flatMap(([key, table]) => (is(table, SQLiteTable) ? [[key, table] as const] : []))
    .map(([key, table]) => {
      const lite = sqliteTableConfig(table);
      const twin = pgTables[key];
      if (!is(twin, PgTable)) throw new Error(`db/schema-pg has no table ${key}`);
      const pgColumns = new Map(pgTableConfig(twin).columns.map((c) => [c.name, c]));
      const columns = lite.columns.map((c) => {
        const pgColumn = pgColumns.get(c.name);
        if (!pgColumn) throw new Error(`db/schema-pg's ${lite.name} has no column ${c.name}`);
        return { name: c.name, pgType: pgColumn.getSQLType() };
      });
      const primaryKey = lite.primaryKeys[0]?.columns.map((c) => c.name) ?? lite.columns.filter((c) => c.primary).map((c) => c.name);
      if (!primaryKey.length) throw new Error(`${lite.name} has no primary key to copy it in order of`);
      const identity = [...pgColumns.values()].find((c) => c.generatedIdentity)?.name;
      return { name: lite.name, columns, primaryKey, ...(identity ? { identity } : {}) };
    });
}

/** A copy refused before anything was written: the message says why and what to do. */
export class CopyRefused extends Error {}

export interface CopyReport {
  tables: { name: string; rows: number }[];
  rows: number;
  /** The copy itself (reading, inserting, sequences), without the checks and VACUUM ANALYZE. */
  seconds: number;
  rowsPerSecond: number;
  /** Sum of requests.cost_total_pico, equal on both sides. */
  costTotalPico: string;
}

export interface CopyOptions {
  log?: (line: string) => void;
  /** Rows per INSERT … SELECT FROM unnest(…). */
  batchRows?: number;
}

const quote = (name: string) => `"${name}"`;
const columnList = (table: CopiedTable) => table.columns.map((c) => quote(c.name)).join(', ');
const redacted = (url: string) => url.replace(/\/\/[^@/]*@/, '//…@');

/** Copies the SQLite database at `from` (file:…) into the PostgreSQL database at `to`, and checks the copy. */
export async function copyToPostgres(from: string, to: string, { log = console.log, batchRows = 5000 }: CopyOptions = {}): Promise<CopyReport> {
  const file = databasePath(from);
  if (!file) throw new CopyRefused(`--from must be a SQLite file:… URL, not ${redacted(from)}`);
  if (!isPostgresUrl(to)) throw new CopyRefused(`--to must be a postgres://… URL, not ${redacted(to)}`);
  if (!fs.existsSync(file)) throw new CopyRefused(`--from names no file: ${file}`);
  const tables = copiedTables();
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    assertSourceSchema(source, tables, file);
    // The source is only read: one read transaction, so every table comes from the same moment.
    source.exec('BEGIN');
    const target = await openMeterDatabase(to, { poolSize: 1 });
    try {
      const client = await (target.db.$client as pg.Pool).connect();
      try {
        const report = await copyInOneTransaction(source, client, tables, { from: file, to, log, batchRows });
        await analyze(client, tables, log);
        return report;
      } finally {
        client.release();
      }
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function copyInOneTransaction(source: Database.Database, client: pg.PoolClient, tables: CopiedTable[], { from, to, log, batchRows }: { from: string; to: string; log: (line: string) => void; batchRows: number }): Promise<CopyReport> {
  await client.query('BEGIN');
  try {
    // Replicas already running on the target wait until the copy commits instead of recording into its middle.
    await client.query(`LOCK TABLE ${tables.map((t) => quote(t.name)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    await clearTarget(client, tables, to, log);
    log(`Copying ${from} into ${redacted(to)}`);
    const started = performance.now();
    const copied: CopyReport['tables'] = [];
    for (const table of tables) copied.push({ name: table.name, rows: await copyTable(source, client, table, batchRows, log) });
    for (const table of tables.filter((t) => t.identity)) await moveSequence(client, table);
    const seconds = (performance.now() - started) / 1000;
    const costTotalPico = await verify(source, client, copied);
    await client.query('COMMIT');
    const rows = copied.reduce((n, t) => n + t.rows, 0);
    log(`Copied ${rows.toLocaleString()} rows in ${seconds.toFixed(1)} s (${Math.round(rows / seconds).toLocaleString()} rows/s); row counts equal in all ${tables.length} tables, requests.cost_total_pico sums to ${costTotalPico} on both.`);
    return { tables: copied, rows, seconds, rowsPerSecond: rows / seconds, costTotalPico };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** The source must be at this version's schema (Meter migrates its file at every start). */
function assertSourceSchema(source: Database.Database, tables: CopiedTable[], file: string): void {
  for (const table of tables) {
    const have = new Set((source.prepare(`SELECT name FROM pragma_table_info(?)`).all(table.name) as { name: string }[]).map((c) => c.name));
    const missing = table.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
    if (missing.length) {
      throw new CopyRefused(`${file} is not at this version's schema (${table.name} lacks ${missing.join(', ')}): start this version of Meter on it once (it migrates at start), stop it, then copy.`);
    }
  }
}

/**
 * Refuses a target that holds calls. Anything else there (the price catalog and settings a first
 * start wrote) is replaced by the source's: requests refer to the source's price ids.
 */
async function clearTarget(client: pg.PoolClient, tables: CopiedTable[], to: string, log: (line: string) => void): Promise<void> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM requests');
  const calls = Number(rows[0]!.n);
  if (calls > 0) {
    throw new CopyRefused(`Refusing to copy: ${redacted(to)} already holds ${calls.toLocaleString()} calls. Copy into a PostgreSQL database Meter has not recorded into (a new, empty one).`);
  }
  const held: string[] = [];
  for (const table of tables) {
    const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table.name)}`);
    if (Number(counted[0]!.n) > 0) held.push(`${table.name} (${counted[0]!.n})`);
  }
  if (held.length) log(`The target holds no calls; replacing what it has with the source's: ${held.join(', ')}`);
  await client.query(`TRUNCATE ${tables.map((t) => quote(t.name)).join(', ')} RESTART IDENTITY`);
}

/** One table in primary-key order, a batch per INSERT, the next batch read while the previous one is written. */
async function copyTable(source: Database.Database, client: pg.PoolClient, table: CopiedTable, batchRows: number, log: (line: string) => void): Promise<number> {
  const { n: total } = source.prepare(`SELECT count(*) AS n FROM ${quote(table.name)}`).get() as { n: number };
  const select = source.prepare(`SELECT ${columnList(table)} FROM ${quote(table.name)} ORDER BY ${table.primaryKey.map(quote).join(', ')}`);
  // 64-bit integers as BigInt: token counts and limits from upstream headers may pass 2^53.
  select.raw(true).safeIntegers(true);
  const arrays = table.columns.map((c, i) => `$${i + 1}::${c.pgType}[]`).join(', ');
  const insert = `INSERT INTO ${quote(table.name)} (${columnList(table)}) SELECT * FROM unnest(${arrays})`;
  const batch = new ColumnArrays(table.columns.map((c) => c.pgType));
  const started = performance.now();
  let done = 0;
  let lastLog = started;
  let writing: Promise<unknown> = Promise.resolve();
  const send = async () => {
    const values = batch.take();
    await writing;
    writing = client.query(insert, values);
    writing.catch(() => {}); // awaited below; a failure must not surface as unhandled first
    const now = performance.now();
    if (now - lastLog > 5000) {
      lastLog = now;
      log(`  ${table.name}: ${done.toLocaleString()} / ${total.toLocaleString()} rows (${Math.round(done / ((now - started) / 1000)).toLocaleString()} rows/s)`);
    }
  };
  for (const row of select.iterate() as IterableIterator<unknown[]>) {
    batch.add(row);
    done++;
    if (batch.size === batchRows) await send();
  }
  if (batch.size) await send();
  await writing;
  const seconds = (performance.now() - started) / 1000;
  if (done) log(`  ${table.name}: ${done.toLocaleString()} rows in ${seconds.toFixed(1)} s (${Math.round(done / seconds).toLocaleString()} rows/s)`);
  return done;
}

/**
 * One PostgreSQL array literal per column, built as text: numbers (BigInt included) as they
 * print, text quoted and escaped, SQLite's 0/1 flags as PostgreSQL booleans.
 */
class ColumnArrays {
  private columns: string[][];
  size = 0;

  constructor(private readonly types: string[]) {
    this.columns = types.map(() => []);
  }

  add(row: unknown[]): void {
    for (let i = 0; i < row.length; i++) this.columns[i]!.push(element(row[i], this.types[i]!));
    this.size++;
  }

  take(): string[] {
    const literals = this.columns.map((values) => `{${values.join(',')}}`);
    this.columns = this.types.map(() => []);
    this.size = 0;
    return literals;
  }
}

function element(value: unknown, pgType: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (pgType === 'boolean') return Number(value) ? 't' : 'f';
  if (pgType !== 'text') return String(value);
  const text = String(value);
  return text.includes('"') || text.includes('\\') ? `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `"${text}"`;
}

/** The next generated id follows the largest copied one. */
async function moveSequence(client: pg.PoolClient, table: CopiedTable): Promise<void> {
  const id = quote(table.identity!);
  await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${id}), 0) + 1, false) FROM ${quote(table.name)}`, [quote(table.name), table.identity]);
}

/** Row counts equal table by table, and the calls' total cost equal to the pico-dollar. */
async function verify(source: Database.Database, client: pg.PoolClient, copied: CopyReport['tables']): Promise<string> {
  for (const { name, rows } of copied) {
    const { n: sqliteRows } = source.prepare(`SELECT count(*) AS n FROM ${quote(name)}`).get() as { n: number };
    const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(name)}`);
    const pgRows = Number(counted[0]!.n);
    if (sqliteRows !== rows || pgRows !== rows) throw new Error(`${name}: ${sqliteRows} rows in SQLite, ${rows} copied, ${pgRows} in PostgreSQL`);
  }
  const { s: sqliteSum } = source.prepare('SELECT CAST(coalesce(sum(cost_total_pico), 0) AS TEXT) AS s FROM requests').get() as { s: string };
  const { rows } = await client.query<{ s: string }>('SELECT coalesce(sum(cost_total_pico), 0)::text AS s FROM requests');
  if (BigInt(sqliteSum) !== BigInt(rows[0]!.s)) throw new Error(`requests.cost_total_pico sums to ${sqliteSum} in SQLite but ${rows[0]!.s} in PostgreSQL`);
  return sqliteSum;
}

/** Planner statistics and the visibility map for the freshly loaded tables, so the first dashboards do not wait for autovacuum. */
async function analyze(client: pg.PoolClient, tables: CopiedTable[], log: (line: string) => void): Promise<void> {
  const started = performance.now();
  await client.query(`VACUUM (ANALYZE) ${tables.map((t) => quote(t.name)).join(', ')}`);
  log(`VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (!values.from || !values.to) throw new CopyRefused('Usage: npm run db:copy-to-postgres -- --from file:./data/meter.db --to postgres://user@host/meter');
  await copyToPostgres(values.from, values.to);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error(error instanceof CopyRefused ? error.message : error);
    process.exit(1);
  });
}
