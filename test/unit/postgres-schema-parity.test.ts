// The PostgreSQL schema (db/schema-pg) must declare what the SQLite one (db/schema) does: the same
// tables under the same export names, the same columns (JS key, SQL name, JS type, nullability,
// default), primary keys, unique columns and indexes. A column added to one tree and not the other
// fails here. No database is needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Column, is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from '@/db/schema';
import * as pgSchema from '@/db/schema-pg';

type AnyColumn = Column & { primary: boolean; isUnique: boolean; hasDefault: boolean; notNull: boolean; dataType: string; columnType: string };

interface Shape {
  name: string;
  columns: { key: string; name: string; dataType: string; notNull: boolean; hasDefault: boolean; unique: boolean }[];
  primaryKey: string[];
  indexes: Record<string, { unique: boolean; on: string[]; where: string[] | null }>;
  /** SQL name → drizzle column type, for the type mapping checks. */
  types: Record<string, string>;
}

/** The column names an SQL fragment refers to (expression indexes, partial-index conditions). */
function referencedColumns(fragment: SQL): string[] {
  const names: string[] = [];
  const walk = (chunks: unknown[]) => {
    for (const chunk of chunks) {
      if (is(chunk, Column)) names.push(chunk.name);
      else if (is(chunk, SQL)) walk(chunk.queryChunks);
    }
  };
  walk(fragment.queryChunks);
  return names;
}

/** The literal text of an SQL fragment, without its column references. */
function literalText(fragment: SQL): string {
  return fragment.queryChunks.map((c) => (is(c, SQL) ? literalText(c) : is(c, Column) ? '' : ((c as { value?: string[] }).value ?? []).join(''))).join('');
}

/** An index's column or expression, with its order: SQLite's schema says `col DESC` in SQL, PostgreSQL's col.desc(). */
function indexTarget(target: unknown): string {
  if (is(target, SQL)) {
    const columns = referencedColumns(target);
    const order = /^\s*(asc|desc)?\s*$/i.exec(literalText(target));
    if (columns.length === 1 && order) return `${columns[0]}${order[1] ? ` ${order[1].toLowerCase()}` : ''}`;
    return `expression(${columns.join(', ')})`;
  }
  const column = target as { name: string; indexConfig?: { order?: string } };
  return `${column.name}${column.indexConfig?.order === 'desc' ? ' desc' : ''}`; // a column (SQLite) or an indexed column (PostgreSQL)
}

function shape(config: {
  name: string;
  columns: Column[];
  primaryKeys: { columns: Column[] }[];
  indexes: { config: { name?: string; unique: boolean; columns: unknown[]; where?: SQL } }[];
}, table: Record<string, unknown>): Shape {
  const columns = config.columns as AnyColumn[];
  const keyOf = new Map(Object.entries(table).filter(([, v]) => is(v, Column)).map(([k, v]) => [(v as Column).name, k]));
  const singlePk = columns.filter((c) => c.primary).map((c) => c.name);
  const compositePk = config.primaryKeys.map((pk) => pk.columns.map((c) => c.name));
  assert.ok(singlePk.length + compositePk.length === 1, `${config.name}: exactly one primary key`);
  return {
    name: config.name,
    columns: columns.map((c) => ({
      key: keyOf.get(c.name) ?? '?',
      name: c.name,
      dataType: c.dataType,
      notNull: c.notNull,
      // SQLite's autoincrement and PostgreSQL's identity both fill the id; neither is a declared default
      hasDefault: c.hasDefault && !c.primary,
      unique: c.isUnique,
    })),
    primaryKey: singlePk.length ? singlePk : compositePk[0]!,
    indexes: Object.fromEntries(
      config.indexes.map((i) => [
        i.config.name ?? '?',
        { unique: i.config.unique, on: i.config.columns.map(indexTarget), where: i.config.where ? referencedColumns(i.config.where) : null },
      ]),
    ),
    types: Object.fromEntries(columns.map((c) => [c.name, c.columnType])),
  };
}

const sqliteTables = new Map(
  Object.entries(sqliteSchema)
    .filter(([, v]) => is(v, SQLiteTable))
    .map(([k, v]) => [k, shape(sqliteTableConfig(v as SQLiteTable), v as unknown as Record<string, unknown>)]),
);
/** Tables only PostgreSQL needs (each file says why). */
const PG_ONLY = new Set(['recordedBatches']);
const pgTables = new Map(
  Object.entries(pgSchema)
    .filter(([k, v]) => is(v, PgTable) && !PG_ONLY.has(k))
    .map(([k, v]) => [k, shape(pgTableConfig(v as PgTable), v as unknown as Record<string, unknown>)]),
);

// What each SQLite column type may become in PostgreSQL (docs/postgres.md says why).
const ALLOWED_TYPES: Record<string, string[]> = {
  SQLiteInteger: ['PgInteger', 'PgBigInt53'],
  SQLiteBoolean: ['PgBoolean'],
  SQLiteText: ['PgText'],
  SQLiteReal: ['PgDoublePrecision'], // PostgreSQL's real is a 4-byte float; SQLite's is 8 bytes
};
// Integer columns that can pass 2^31 by what they hold: times in epoch ms, tokens, money, sums.
const MUST_BE_BIGINT = /(_at|_start|_seen|_ms|_tokens|_tpm|_pico|_micros|_remainder|_sum|_mtok)$|^(requests|errors|rate_limited|overloaded|payment_required|unpriced|usage_unknown|requests_with_prompt|cached_mismatch|over_limit|offset)$/;

describe('the PostgreSQL schema mirrors the SQLite schema', () => {
  it('declares the same tables under the same export names', () => {
    assert.ok(sqliteTables.size >= 20, `found ${sqliteTables.size} SQLite tables`);
    assert.deepEqual([...pgTables.keys()].sort(), [...sqliteTables.keys()].sort());
    for (const [key, table] of sqliteTables) assert.equal(pgTables.get(key)?.name, table.name, key);
  });

  it('gives every table the same columns, primary key, unique columns and indexes', () => {
    for (const [key, lite] of sqliteTables) {
      const pg = pgTables.get(key)!;
      assert.deepEqual(pg.columns, lite.columns, `${lite.name}: columns`);
      assert.deepEqual(pg.primaryKey, lite.primaryKey, `${lite.name}: primary key`);
      assert.deepEqual(pg.indexes, lite.indexes, `${lite.name}: indexes`);
    }
  });

  it('maps each column type to its PostgreSQL counterpart, and every large integer to bigint', () => {
    for (const [, lite] of sqliteTables) {
      const pg = pgTables.get([...pgTables].find(([, t]) => t.name === lite.name)![0])!;
      for (const [column, liteType] of Object.entries(lite.types)) {
        const pgType = pg.types[column]!;
        assert.ok(ALLOWED_TYPES[liteType]?.includes(pgType), `${lite.name}.${column}: ${liteType} declared as ${pgType}`);
        if (liteType === 'SQLiteInteger' && MUST_BE_BIGINT.test(column)) assert.equal(pgType, 'PgBigInt53', `${lite.name}.${column} must be bigint`);
      }
    }
    assert.equal(pgTables.get('requests')!.types.id, 'PgBigInt53', 'requests.id outgrows 2^31');
  });

  it('shares the constants that come with the schema', () => {
    assert.equal(pgSchema.ALL_KEYS, sqliteSchema.ALL_KEYS);
  });
});
