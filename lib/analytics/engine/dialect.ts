import type pg from 'pg';
import { MEASURES, RAW_MEASURES_SELECT, rawDimensionsSelect, rawFactsSelect, type Dimension } from '@/lib/rollups/definition';
import { empty, perDialect, raw, sql, type Param, type Sql } from './sql';

/**
 * Everything the analytics engine writes or reads differently on PostgreSQL than on SQLite, in one
 * place. SQL text stays one text for both; the few fragments that differ are `perDialect` choices
 * defined here, and PostgreSQL's results are brought to the shape SQLite gives here.
 */

/** `(subquery)` or `(VALUES …)` in FROM: PostgreSQL before 16 wants an alias, SQLite's text stays as it was. */
export const subquery = (fragment: Sql): Sql => sql`(${fragment})${perDialect({ sqlite: empty, pg: raw(' AS sub') })}`;

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

/** `sum(condition)`, a count of the rows where it holds (SQLite sums its 0/1; PostgreSQL has no sum(boolean)). */
export const countWhere = (condition: string): Sql => perDialect({ sqlite: raw(`sum(${condition})`), pg: raw(`sum(CASE WHEN ${condition} THEN 1 ELSE 0 END)`) });

/** A float for division and ordering: SQLite's REAL is a double; PostgreSQL's REAL is float4. */
export const asFloat = (expression: string): Sql => perDialect({ sqlite: raw(`CAST(${expression} AS REAL)`), pg: raw(`CAST(${expression} AS double precision)`) });

/** A 0/1 flag column compared with a value: SQLite stores booleans as integers, PostgreSQL's column is boolean. */
export const flagIs = (column: string, value: boolean): Sql =>
  perDialect({ sqlite: raw(`${column} = ${value ? 1 : 0}`), pg: raw(`${column} = ${value ? 'TRUE' : 'FALSE'}`) });

/** A column named by a word PostgreSQL reserves (`user` is CURRENT_USER there unless quoted). */
export const reservedColumn = (name: 'user'): Sql => perDialect({ sqlite: raw(name), pg: raw(`"${name}"`) });

/** A bound 64-bit integer where its type cannot be inferred or would be int4 on PostgreSQL (`SELECT ?`, `CAST(? AS INTEGER)`). */
export const int64 = (value: number | string, sqliteCast = false): Sql =>
  perDialect({ sqlite: sqliteCast ? sql`CAST(${value} AS INTEGER)` : sql`${value}`, pg: sql`CAST(${value} AS bigint)` });

/** A scalar `max(a, b, …)` as SQLite writes it (lib/rollups/rate-limit-peaks.ts): PostgreSQL's is greatest(…). */
export const scalarMax = (text: string): Sql => perDialect({ sqlite: raw(text), pg: raw(text.replace(/^max\(/, 'greatest(')) });

/** A LIMIT's value: none given is every row (SQLite: -1, PostgreSQL: NULL). */
export const limitValue = (limit: number | undefined): Sql => (limit !== undefined ? sql`${limit}` : perDialect({ sqlite: sql`${-1}`, pg: sql`${null}` }));

// Local-day facts hand the engine one JSON array of pieces per source. SQLite reads it with
// json_each / json_extract, PostgreSQL with jsonb_array_elements WITH ORDINALITY and ->>.

/** Rows (piece_from, piece_to, day_index, sign, piece) of a JSON array of {from, to, day, sign}. */
export function jsonPieces(json: string): Sql {
  return perDialect({
    sqlite: sql`(SELECT json_extract(value, '$.from') AS piece_from, json_extract(value, '$.to') AS piece_to,
  json_extract(value, '$.day') AS day_index, json_extract(value, '$.sign') AS sign, key AS piece FROM json_each(${json}))`,
    pg: sql`(SELECT (value->>'from')::bigint AS piece_from, (value->>'to')::bigint AS piece_to,
  (value->>'day')::int AS day_index, (value->>'sign')::int AS sign, piece FROM jsonb_array_elements(CAST(${json} AS jsonb)) WITH ORDINALITY AS p(value, piece)) AS pieces`,
  });
}

/**
 * Raw calls totalled per interval of a JSON array of {from, to, uses: [[day, sign], …]}, then given
 * to each (day, sign) that uses it: rows (day_index, sign, dimensions…, measures…). PostgreSQL
 * guesses a JSON array at 100 elements and so, given a join, scanned all of requests with the
 * bounds as a join filter (about 700 ms at 1M calls for two intervals); LATERAL totals each
 * interval on its own, one index range of requests_started_at each.
 */
export function jsonIntervalTotals(json: string, dimensions: readonly Dimension[], where: Sql): Sql {
  const dims = raw(dimensions.join(', '));
  const measures = raw(MEASURES.join(', '));
  const sqliteTotals = sql`SELECT uses, ${raw(rawDimensionsSelect(dimensions))},${raw(RAW_MEASURES_SELECT)}
    FROM (SELECT json_extract(value, '$.from') AS piece_from, json_extract(value, '$.to') AS piece_to,
      json_extract(value, '$.uses') AS uses, key AS piece FROM json_each(${json})) CROSS JOIN requests
    WHERE started_at >= piece_from AND started_at < piece_to${where}
    GROUP BY piece, ${dims}`;
  return perDialect({
    sqlite: sql`SELECT json_extract(used.value, '$[0]') AS day_index, json_extract(used.value, '$[1]') AS sign, ${dims}, ${measures}
    FROM (${sqliteTotals}) interval_totals, json_each(interval_totals.uses) used`,
    pg: sql`SELECT (used.value->>0)::int AS day_index, (used.value->>1)::int AS sign, ${dims}, ${measures}
    FROM jsonb_array_elements(CAST(${json} AS jsonb)) AS p(value)
    CROSS JOIN LATERAL (SELECT ${raw(pgBooleans(`${rawDimensionsSelect(dimensions)},${RAW_MEASURES_SELECT}`))}
      FROM requests WHERE started_at >= (p.value->>'from')::bigint AND started_at < (p.value->>'to')::bigint${where}
      GROUP BY ${dims}) AS interval_totals
    CROSS JOIN jsonb_array_elements(p.value->'uses') AS used(value)`,
  });
}

/**
 * `left CROSS JOIN table alias WHERE condition`, the condition bounding an index range of the table
 * by each row of `left`. PostgreSQL turned such a join (a list of days against rate_limit_hourly)
 * into a scan of the table with the bounds as a join filter (25k hours x 91 days, ~650 ms); a
 * LATERAL subquery with OFFSET 0, which it cannot flatten, keeps one index range per row.
 */
export const perRowJoin = (left: Sql, table: string, alias: string, condition: Sql): Sql =>
  perDialect({
    sqlite: sql`${left} CROSS JOIN ${raw(table)} ${raw(alias)} WHERE ${condition}`,
    pg: sql`${left} CROSS JOIN LATERAL (SELECT * FROM ${raw(table)} ${raw(alias)} WHERE ${condition} OFFSET 0) ${raw(alias)}`,
  });

/** No rows, with the facts' columns: SQLite takes `WHERE 0`, PostgreSQL wants a boolean. */
export function emptyFacts(dimensions: readonly Dimension[]): Sql {
  const columns = `SELECT 0 AS day_index, 1 AS sign, ${dimensions.map((d) => `'' AS ${d}`).join(', ')}, ${MEASURES.map((m) => `0 AS ${m}`).join(', ')}`;
  return perDialect({ sqlite: raw(`${columns} WHERE 0`), pg: raw(`${columns} WHERE false`) });
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
export async function pgRows<T>(pool: pg.Pool | pg.PoolClient, text: string, params: Param[]): Promise<T[]> {
  const { types } = (await (pgModule ??= import('pg'))).default;
  const values = params.map((p) => (typeof p === 'bigint' ? p.toString() : p));
  const result = await pool.query({ text, values, types: { getTypeParser: typeParser(types) } as pg.CustomTypesConfig });
  const names = camelAliases(text);
  // booleans (the requests table's `stream`) as SQLite gives them: 1 or 0
  return result.rows.map((row: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(row)) out[names.get(k) ?? k] = typeof v === 'boolean' ? Number(v) : v;
    return out as T;
  });
}

/**
 * How one hour's lookup in the log's other orders (request-log-top.ts) is bounded in time. SQLite
 * takes the hour's own bounds: given the range's, it read a model filter's index over the whole
 * range for every hour. PostgreSQL takes the range's: given the hour's, it guessed that the two
 * bounds left two rows and sorted them instead of walking the index that is already in order
 * (880 ms against 40 ms at 90 days of 1M calls).
 */
export const hourLookupBounds = (from: number, to: number): Sql =>
  perDialect({ sqlite: raw('started_at >= log_hours.low_ms AND started_at < log_hours.high_ms'), pg: sql`started_at >= ${from} AND started_at < ${to}` });
