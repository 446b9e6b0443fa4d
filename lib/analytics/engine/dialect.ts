import type pg from 'pg';
import type { Param } from './sql';

/**
 * Everything the analytics engine writes or reads differently on PostgreSQL than on SQLite, in one
 * place. SQL text stays one text for both; the few fragments that differ are `perDialect` choices
 * defined here, and PostgreSQL's results are brought to the shape SQLite gives here.
 */

// pg type ids: int8 (count(*), sum of integers as bigint) and numeric (sum of bigint) arrive as strings.
const INT8 = 20;
const NUMERIC = 1700;

/** Counts and sums as numbers, as better-sqlite3 gives them (exact money is read as text, CAST(… AS TEXT), so untouched). */
function typeParser(pgTypes: typeof pg.types) {
  return (oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8 || oid === NUMERIC) return (v: string) => Number(v);
    return pgTypes.getTypeParser(oid, format ?? 'text');
  };
}

/**
 * PostgreSQL folds unquoted identifiers to lower case, so `AS apiKey` comes back as `apikey`. The
 * query's own `AS camelCase` aliases name the keys to give back.
 */
function camelAliases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/\bAS\s+([A-Za-z_][A-Za-z0-9_]*)/gi)) {
    const name = m[1]!;
    if (name !== name.toLowerCase()) out.set(name.toLowerCase(), name);
  }
  return out;
}

let pgModule: Promise<typeof import('pg')> | undefined;

/** Runs rendered PostgreSQL text on the pool and returns rows shaped as SQLite's would be. */
export async function pgRows<T>(pool: pg.Pool, text: string, params: Param[]): Promise<T[]> {
  const { types } = (await (pgModule ??= import('pg'))).default;
  const values = params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
  const result = await pool.query({ text, values, types: { getTypeParser: typeParser(types) } as pg.CustomTypesConfig });
  const names = camelAliases(text);
  if (!names.size) return result.rows as T[];
  return result.rows.map((row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[names.get(k) ?? k] = v;
    return out as T;
  });
}
