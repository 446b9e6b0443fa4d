// SQL expressions that render CSV cells exactly as csv-cells.ts and money.ts do in JS, so SQLite
// can hand the request export finished bytes: formatting in C rather than per row in JS is what
// lets it stream at hundreds of thousands of rows a second. Column names are trusted (from code).
// Each rendering assumes its value passes the matching `exact` guard below; rows that fail one are
// formatted in JS instead.

/** A SQL string literal for constant text (CR, LF and TAB may stand in one as they are). */
export const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Whether x holds any of `chars`: one GLOB '*c*' per character, because SQLite runs that form with
 * strcspn while a '*[…]*' class re-parses the class at every position (about 10x slower).
 */
export function containsAnySql(x: string, chars: string): string {
  return `(${[...chars].map((c) => `${x} GLOB ${sqlLiteral(`*${c}*`)}`).join(' OR ')})`;
}

/** Characters that make csvRecords quote a cell. */
export const QUOTED_CHARS = '",\r\n';
// csv-cells' FORMULA_START as a GLOB character class ('-' last is literal there).
const FORMULA_START_CLASS = '[=+@\t\r-]';

/** textCell: a leading ' before a formula start; NULL stays NULL (concat() writes it as ''). */
export function inertSql(x: string): string {
  return `CASE WHEN ${x} GLOB ${sqlLiteral(`${FORMULA_START_CLASS}*`)} THEN '''' || ${x} ELSE ${x} END`;
}

/**
 * csvRecords' quoting: `x` wrapped in quotes with quotes doubled when `raw` holds a character that
 * needs it. `raw` may be a cheaper expression with the same such characters.
 */
export function quotedSql(x: string, raw = x): string {
  return `CASE WHEN ${containsAnySql(raw, QUOTED_CHARS)} THEN '"' || replace(${x}, '"', '""') || '"' ELSE ${x} END`;
}

/** textCell + csvRecords for a text column (the formula guard's ' never needs quoting). */
export const textCellSql = (col: string) => quotedSql(inertSql(col), col);

/** 'true' / 'false' by truthiness, as `x ? 'true' : 'false'` on the number better-sqlite3 returns. */
export const booleanCellSql = (x: string) => `CASE WHEN ${x} THEN 'true' ELSE 'false' END`;

/**
 * picoToUsdString, NULL for NULL: integer arithmetic only, the sign written apart from the digits;
 * six decimals, then the sub-micro digits with their trailing zeros cut.
 */
export function picoCellSql(col: string): string {
  const digits = (v: string) => `printf('%d.%06d', ${v} / 1000000000000, (${v} % 1000000000000) / 1000000) || rtrim(printf('%06d', ${v} % 1000000), '0')`;
  return `CASE WHEN ${col} < 0 THEN '-' || ${digits(`-${col}`)} WHEN ${col} >= 0 THEN ${digits(col)} END`;
}

/**
 * new Date(ms).toISOString() for ms from 1970 through 9999: whole seconds through datetime() and
 * the milliseconds printed from the integer, so no floating point touches them.
 */
export function isoTimeCellSql(col: string): string {
  return `replace(datetime(${col} / 1000, 'unixepoch'), ' ', 'T') || printf('.%03dZ', ${col} % 1000)`;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * The values the renderings above match the JS for. Outside them JS differs or throws: toISOString
 * writes years past 9999 with a sign (and times before 1970 need floor division, which the integer
 * maths above does not do); better-sqlite3 turns integers past 2^53 into rounded doubles, and
 * picoToUsdString throws on those; a real or text value in an integer column prints differently.
 * Written with CAST and comparisons rather than typeof(), a function call per value that would
 * cost as much as the rest of the guard. Not checked: a BLOB in a text column, which the app never
 * writes (better-sqlite3 would hand JS a Buffer).
 */
export const exactSql = {
  isoTime: (col: string) => `${col} IS CAST(${col} AS INTEGER) AND ${col} BETWEEN 0 AND 253402300799999`,
  /** Each NULL or an integer in ±(2^53 - 1); `x IS CAST(x AS INTEGER)` fails for reals, text and blobs. */
  integers: (cols: readonly string[]) =>
    `${cols.map((c) => `${c} IS CAST(${c} AS INTEGER)`).join(' AND ')} AND (${cols.map((c) => `${c} < ${-MAX_SAFE} OR ${c} > ${MAX_SAFE}`).join(' OR ')}) IS NOT TRUE`,
};
