// SQL expressions that render CSV cells exactly as csv-cells.ts and money.ts do in JS, so the
// database hands the request export finished bytes: formatting in C rather than per row in JS is
// what lets it stream at hundreds of thousands of rows a second. Each concept is one `perDialect`
// choice, SQLite's text beside PostgreSQL's. Column names are trusted (from code). Each rendering
// assumes its value passes the matching `exact` guard below; rows that fail one are formatted in JS.
import { join, perDialect, raw, sql, type Sql } from '@/lib/analytics/engine/sql';

/** A SQL string literal for constant text (CR, LF and TAB may stand in one as they are, on both engines). */
export const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

const column = (name: string | Sql): Sql => (typeof name === 'string' ? raw(name) : name);

/**
 * Whether x holds any of `chars`. SQLite: one GLOB '*c*' per character, because SQLite runs that
 * form with strcspn while a '*[…]*' class re-parses the class at every position (about 10x slower).
 * PostgreSQL: one strpos per character.
 */
export function containsAnySql(x: string | Sql, chars: string): Sql {
  const each = (test: (c: string) => Sql) => sql`(${join([...chars].map(test), ' OR ')})`;
  return perDialect({
    sqlite: each((c) => sql`${column(x)} GLOB ${raw(sqlLiteral(`*${c}*`))}`),
    pg: each((c) => sql`strpos(${column(x)}, ${raw(sqlLiteral(c))}) > 0`),
  });
}

/** Characters that make csvRecords quote a cell. */
export const QUOTED_CHARS = '",\r\n';
// csv-cells' FORMULA_START, character by character ('-' last, so literal in SQLite's GLOB class).
const FORMULA_START_CHARS = '=+@\t\r-';

/** textCell: a leading ' before a formula start; NULL stays NULL (concat() writes it as ''). */
export function inertSql(x: string | Sql): Sql {
  const starts = perDialect({
    sqlite: sql`${column(x)} GLOB ${raw(sqlLiteral(`[${FORMULA_START_CHARS}]*`))}`,
    // the first character's code: comparing integers costs a third of what left(x, 1) IN ('=', …) did
    pg: sql`ascii(${column(x)}) IN (${raw([...FORMULA_START_CHARS].map((c) => c.codePointAt(0)).join(', '))})`,
  });
  return sql`CASE WHEN ${starts} THEN '''' || ${column(x)} ELSE ${column(x)} END`;
}

/**
 * csvRecords' quoting: `x` wrapped in quotes with quotes doubled when `rawValue` holds a character
 * that needs it. `rawValue` may be a cheaper expression with the same such characters.
 */
export function quotedSql(x: string | Sql, rawValue: string | Sql = x): Sql {
  return sql`CASE WHEN ${containsAnySql(rawValue, QUOTED_CHARS)} THEN '"' || replace(${column(x)}, '"', '""') || '"' ELSE ${column(x)} END`;
}

/** textCell + csvRecords for a text column (the formula guard's ' never needs quoting). */
export const textCellSql = (col: string) => quotedSql(inertSql(col), col);

/** 'true' / 'false' by truthiness: SQLite's 0/1 and PostgreSQL's boolean read alike here. */
export const booleanCellSql = (x: string) => raw(`CASE WHEN ${x} THEN 'true' ELSE 'false' END`);

/** The end of a CSV record. */
export const CRLF_SQL = perDialect({ sqlite: raw('char(13, 10)'), pg: raw(sqlLiteral('\r\n')) });

/**
 * picoToUsdString, NULL for NULL: integer arithmetic only, the sign written apart from the digits;
 * six decimals, then the sub-micro digits with their trailing zeros cut. SQLite negates the amount
 * (past 2^63 it turns real, which the guard sends to JS); PostgreSQL would fail on -(-2^63), so it
 * negates the quotient and remainders instead (division truncates toward zero on both).
 */
export function picoCellSql(col: string): Sql {
  const sqliteDigits = (v: string) =>
    `printf('%d.%06d', ${v} / 1000000000000, (${v} % 1000000000000) / 1000000) || rtrim(printf('%06d', ${v} % 1000000), '0')`;
  const pgDigits = (sign: '' | '-') =>
    `CAST(${sign}(${col} / 1000000000000) AS text) || '.' || lpad(CAST(${sign}(${col} % 1000000000000 / 1000000) AS text), 6, '0') || ` +
    `rtrim(lpad(CAST(${sign}(${col} % 1000000) AS text), 6, '0'), '0')`;
  const byEngine = (v: string, sign: '' | '-') => perDialect({ sqlite: raw(sqliteDigits(v)), pg: raw(pgDigits(sign)) });
  return sql`CASE WHEN ${raw(col)} < 0 THEN '-' || ${byEngine(`-${col}`, '-')} WHEN ${raw(col)} >= 0 THEN ${byEngine(col, '')} END`;
}

/**
 * new Date(ms).toISOString() for ms from 1970 through 9999: whole seconds through the engine's
 * date formatting (in UTC whatever the session's time zone) and the milliseconds printed from the
 * integer, so no rounding touches them (PostgreSQL's to_timestamp multiplies whole seconds by 10^6
 * in a double, exact below 2^53 / 15,625 seconds).
 */
export function isoTimeCellSql(col: string): Sql {
  return perDialect({
    sqlite: raw(`replace(datetime(${col} / 1000, 'unixepoch'), ' ', 'T') || printf('.%03dZ', ${col} % 1000)`),
    pg: raw(`to_char(to_timestamp(${col} / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') || '.' || lpad(CAST(${col} % 1000 AS text), 3, '0') || 'Z'`),
  });
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const outsideSafe = (cols: readonly string[]) => `(${cols.map((c) => `${c} < ${-MAX_SAFE} OR ${c} > ${MAX_SAFE}`).join(' OR ')}) IS NOT TRUE`;

/**
 * The values the renderings above match the JS for. Outside them JS differs or throws: toISOString
 * writes years past 9999 with a sign (and times before 1970 need floor division, which the integer
 * maths above does not do); the drivers hand JS integers past 2^53 as rounded doubles, and
 * picoToUsdString throws on those. On SQLite a real or text value in an integer column prints
 * differently too: checked with CAST and comparisons rather than typeof(), a function call per
 * value that would cost as much as the rest of the guard. Not checked: a BLOB in a text column,
 * which the app never writes (better-sqlite3 would hand JS a Buffer). PostgreSQL's columns hold
 * their declared type only, so there the ranges are all there is to check, and booleans not even that.
 */
export const exactSql = {
  isoTime: (col: string): Sql =>
    perDialect({ sqlite: raw(`${col} IS CAST(${col} AS INTEGER) AND ${col} BETWEEN 0 AND 253402300799999`), pg: raw(`${col} BETWEEN 0 AND 253402300799999`) }),
  /** Each NULL or an integer in ±(2^53 - 1); `x IS CAST(x AS INTEGER)` fails for reals, text and blobs. `flags` are boolean on PostgreSQL. */
  integers: (cols: readonly string[], flags: readonly string[] = []): Sql =>
    perDialect({
      sqlite: raw(`${cols.map((c) => `${c} IS CAST(${c} AS INTEGER)`).join(' AND ')} AND ${outsideSafe(cols)}`),
      pg: raw(outsideSafe(cols.filter((c) => !flags.includes(c)))),
    }),
};

/** What a row the SQL cannot render exactly yields instead of its line: NUL on SQLite (text cannot hold it on PostgreSQL, so NULL there). */
export const NOT_RENDERED_SQL = perDialect({ sqlite: raw('char(0)'), pg: raw('NULL') });
