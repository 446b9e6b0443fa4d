import type pg from 'pg';
import { rawFactsSelect, type Dimension } from '@/lib/rollups/definition';
import { empty, perDialect, raw, sql, type Param, type Sql } from './sql';

/**
 * Everything the analytics engine writes or reads differently on PostgreSQL than on SQLite, in one
 * place. SQL text stays one text for both; the few fragments that differ are `perDialect` choices
 * defined here, and PostgreSQL's results are brought to the shape SQLite gives here.
 */

/** `(subquery)` in FROM: PostgreSQL before 16 wants an alias, SQLite's text stays as it was. */
export const subquery = (fragment: Sql): Sql => sql`(${fragment})${perDialect({ sqlite: empty, pg: raw(' AS facts') })}`;

/**
 * lib/rollups/definition.ts writes raw rows' measures for SQLite, where a comparison is 0 or 1:
 * `sum(status >= 400)` and `(session_affinity IS NOT NULL) AS has_affinity`. PostgreSQL has no
 * sum(boolean) and its has_affinity column is an integer: the same text with each boolean summed as
 * `sum(CASE WHEN … THEN 1 ELSE 0 END)` and the flag as a CASE. (Until definition.ts writes these
 * dialect-neutrally itself, which changes SQLite's text and so is a step of its own.)
 */
export function rawFacts(bucketMs: number, dimensions: readonly Dimension[]): Sql {
  const text = rawFactsSelect(bucketMs, dimensions);
  return perDialect({ sqlite: raw(text), pg: raw(pgBooleans(text)) });
}

const COMPARISON = /(>=|<=|<>|!=|=|>|<|\bIS\b|\bAND\b|\bOR\b|\bNOT\b|\bIN\b)/i;

/** The text at paren depth 0 of `expr` (nested parentheses blanked out). */
function topLevel(expr: string): string {
  let depth = 0;
  let out = '';
  for (const c of expr) {
    if (c === '(') depth++;
    if (depth === 0) out += c;
    if (c === ')') depth--;
  }
  return out;
}

function unwrap(expr: string): string {
  let e = expr.trim();
  while (e.startsWith('(') && e.endsWith(')') && balancedInside(e)) e = e.slice(1, -1).trim();
  return e;
}

/** Whether the outer parentheses of `(…)` enclose the whole expression (not `(a) + (b)`). */
function balancedInside(e: string): boolean {
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') depth++;
    if (e[i] === ')') depth--;
    if (depth === 0 && i < e.length - 1) return false;
  }
  return true;
}

export function pgBooleans(text: string): string {
  let out = text.replace('(session_affinity IS NOT NULL) AS has_affinity', 'CASE WHEN session_affinity IS NOT NULL THEN 1 ELSE 0 END AS has_affinity');
  for (let at = out.lastIndexOf('sum('); at >= 0; at = out.lastIndexOf('sum(', at - 1)) {
    const open = at + 3;
    let depth = 0;
    let close = open;
    for (; close < out.length; close++) {
      if (out[close] === '(') depth++;
      if (out[close] === ')' && --depth === 0) break;
    }
    const arg = unwrap(out.slice(open + 1, close));
    if (/^CASE\b/i.test(arg) || !COMPARISON.test(topLevel(arg))) continue;
    out = `${out.slice(0, open + 1)}CASE WHEN ${arg} THEN 1 ELSE 0 END${out.slice(close)}`;
    if (at === 0) break;
  }
  return out;
}

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
