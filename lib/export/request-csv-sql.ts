// The request CSV rendered by the database: an expression per CSV line, and keyset page statements
// that concatenate a page of lines into one text, so JS never touches a row. One text for both
// engines but for csv-sql.ts's per-dialect cells and the page statement, which each engine runs its own way.
import { subquery } from '@/lib/analytics/engine/dialect';
import { empty, join, perDialect, raw, sql, type Sql } from '@/lib/analytics/engine/sql';
import { COST_STATE_CASE_SQL } from '@/lib/pricing/cost-state';
import {
  booleanCellSql, containsAnySql, CRLF_SQL, exactSql, inertSql, isoTimeCellSql, NOT_RENDERED_SQL, picoCellSql, QUOTED_CHARS, quotedSql, textCellSql,
} from './csv-sql';

interface Cell {
  /** `text` gets textCell's formula guard, `plain` (values the app chooses) only quoting, as in csvRecord. */
  kind: 'text' | 'plain' | 'integer' | 'boolean' | 'priced' | 'costState' | 'pico' | 'isoTime';
  col: string;
}

/** REQUEST_CSV_COLUMNS' cells, in order. */
const CELLS: Cell[] = [
  { kind: 'text', col: 'upstream_id' }, { kind: 'isoTime', col: 'started_at' }, { kind: 'text', col: 'api_key' },
  { kind: 'text', col: 'model' }, { kind: 'plain', col: 'serving_path' }, { kind: 'plain', col: 'region' },
  { kind: 'plain', col: 'endpoint' }, { kind: 'boolean', col: 'stream' }, { kind: 'integer', col: 'status' },
  { kind: 'text', col: 'error_code' }, { kind: 'integer', col: 'prompt_tokens' }, { kind: 'integer', col: 'cached_prompt_tokens' },
  { kind: 'integer', col: 'completion_tokens' }, { kind: 'pico', col: 'cost_total_pico' }, { kind: 'pico', col: 'cache_savings_pico' },
  { kind: 'priced', col: 'cost_total_pico' }, { kind: 'costState', col: 'prompt_tokens' }, { kind: 'text', col: 'session_affinity' }, { kind: 'text', col: '"user"' },
  { kind: 'text', col: 'tags' }, { kind: 'text', col: 'team' }, { kind: 'text', col: 'project' }, { kind: 'text', col: 'environment' },
  { kind: 'integer', col: 'duration_ms' }, { kind: 'integer', col: 'ttft_ms' }, { kind: 'text', col: 'upstream_request_id' },
  { kind: 'integer', col: 'price_id' }, { kind: 'text', col: 'api_key_label' },
];

/**
 * The calls with their key's label from Settings. The labels are renamed in a subquery so no
 * column is named in both tables and every expression can stay unqualified.
 */
const WITH_LABELS = sql`requests LEFT JOIN ${subquery(raw('SELECT api_key AS labelled_key, label AS api_key_label FROM api_key_labels'))} ON labelled_key = api_key`;

/** The columns csvRecord (the JS formatter) reads after the id, in its order. */
export const SOURCE_COLUMNS = [
  'started_at', 'upstream_id', 'api_key', 'model', 'serving_path', 'region', 'endpoint', 'stream', 'status', 'error_code',
  'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_total_pico', 'cache_savings_pico', 'session_affinity',
  '"user"', 'tags', 'team', 'project', 'environment', 'duration_ms', 'ttft_ms', 'upstream_request_id', 'price_id', 'api_key_label',
] as const;

const isText = (c: Cell) => c.kind === 'text' || c.kind === 'plain';

/** Tags are normalised to k=v,k=v, so they nearly always need quotes: they always take the per-cell check. */
const OWN_CHECK = new Set(['tags']);
const CHECKED_TOGETHER = CELLS.filter((c) => isText(c) && !OWN_CHECK.has(c.col)).map((c) => c.col);

function cellSql(cell: Cell, perCell: boolean): Sql {
  switch (cell.kind) {
    case 'text':
      return perCell || OWN_CHECK.has(cell.col) ? textCellSql(cell.col) : inertSql(cell.col);
    case 'plain':
      return perCell ? quotedSql(cell.col) : raw(cell.col);
    case 'integer':
      return raw(cell.col); // concat() writes NULL as '' and an integer as String(n) does
    case 'boolean':
      return booleanCellSql(cell.col);
    case 'priced':
      return booleanCellSql(`${cell.col} IS NOT NULL`);
    case 'costState':
      return raw(COST_STATE_CASE_SQL); // one of three fixed words: nothing to quote
    case 'pico':
      return picoCellSql(cell.col);
    case 'isoTime':
      return isoTimeCellSql(cell.col);
  }
}

const lineSql = (perCell: boolean) => sql`concat(${join(CELLS.map((c) => cellSql(c, perCell)), ", ',', ")}, ${CRLF_SQL})`;

const INTEGER_COLUMNS = [...new Set(CELLS.filter((c) => !isText(c) && c.kind !== 'isoTime').map((c) => c.col))];
const FLAG_COLUMNS = CELLS.filter((c) => c.kind === 'boolean').map((c) => c.col);

/**
 * What the page's rows yield to the line below: the columns, the text cells other than tags run
 * together as `checked`, and on SQLite `quick`, the line as it is when none of those needs quotes
 * (nearly every row). They are made here, where a column is read straight from the row; SQLite's
 * enclosing query would copy each value it reads from this one. PostgreSQL writes `quick` in the
 * line itself, so only rows that pass the exact guard are formatted (to_timestamp fails on
 * times past the year 294,276).
 */
const PAGE_COLUMNS = sql`id, ${raw([...new Set(CELLS.map((c) => c.col))].join(', '))}, concat(${raw(CHECKED_TOGETHER.join(', '))}) AS checked${perDialect({
  sqlite: sql`, ${lineSql(false)} AS quick`,
  pg: empty,
})}`;

/**
 * A row's line. One scan of `checked` per quote character tells whether `quick` will do; the
 * other rows check each cell, which costs several times as much. A row with a value the SQL does
 * not render exactly (see exactSql) gets NOT_RENDERED_SQL instead: see the page statements.
 */
const LINE_SQL = sql`CASE WHEN ${exactSql.isoTime('started_at')} AND ${exactSql.integers(INTEGER_COLUMNS, FLAG_COLUMNS)} \
THEN CASE WHEN ${containsAnySql('checked', QUOTED_CHARS)} THEN ${lineSql(true)} ELSE ${perDialect({ sqlite: raw('quick'), pg: lineSql(false) })} END \
ELSE ${NOT_RENDERED_SQL} END`;

/** A row's place in the export's order. */
export interface Key {
  at: number;
  id: number;
}

/**
 * A keyset page's bounds: rows with started_at in [lo, hi) after `after` and, where a statement
 * takes one, up to and including `end`. The started_at bounds stay plain ranges so the engine seeks
 * the index to them.
 */
export interface PageRange {
  lo: number;
  hi: number;
  after: Key;
}

export interface RequestPageSql {
  /** SQLite: the key of the page's last row, or no row when the rest of the range fits in one page. */
  boundary(range: PageRange): Sql;
  /**
   * SQLite: the page's lines as one blob. A NUL in it means the page has a row the SQL cannot
   * render exactly, or text holding NUL, which GLOB (C strings) reads only up to: format it in JS.
   */
  body(range: PageRange, end: Key): Sql;
  /**
   * PostgreSQL: up to a page of lines as one text (`body`), in one statement and so one snapshot,
   * with `rowCount`, how many lines were `rendered` (fewer: format the page in JS) and the last
   * row's key (`endAt`, `endId`).
   */
  pgPage(range: PageRange): Sql;
  /** The rows up to and including `end` as [id, ...SOURCE_COLUMNS], for formatting in JS. */
  rows(range: PageRange, end: Key): Sql;
  /** Up to a page of rows after the key as [id, ...SOURCE_COLUMNS], by LIMIT alone. */
  source(range: PageRange): Sql;
}

/** Keyset paging by (started_at, id) within a range; `filters` are extra conditions. */
export function requestPageSql(filters: readonly Sql[], pageSize: number): RequestPageSql {
  const where = ({ lo, hi, after }: PageRange) =>
    join([sql`started_at >= ${lo} AND started_at < ${hi}`, ...filters, sql`NOT (started_at = ${after.at} AND id <= ${after.id})`], ' AND ');
  const inPage = (range: PageRange, end: Key) => sql`${where(range)} AND NOT (started_at = ${end.at} AND id > ${end.id}) ORDER BY started_at, id`;
  const source = raw(`id, ${SOURCE_COLUMNS.join(', ')}`);
  const limit = raw(String(pageSize));
  return {
    boundary: (range) => sql`SELECT started_at, id FROM requests WHERE ${where(range)} ORDER BY started_at, id LIMIT 1 OFFSET ${raw(String(pageSize - 1))}`,
    // LIMIT -1 keeps SQLite from flattening the subquery into the aggregate, which would paste
    // `checked` into each of its uses and compute it for each; as a co-routine it yields each row
    // once, in index order, the order group_concat appends in.
    body: (range, end) => sql`SELECT CAST(group_concat(${LINE_SQL}, '') AS BLOB) FROM (SELECT ${PAGE_COLUMNS} FROM ${WITH_LABELS} WHERE ${inPage(range, end)} LIMIT -1)`,
    // OFFSET 0 keeps PostgreSQL from pasting the line into both aggregates that read it.
    pgPage: (range) => sql`SELECT string_agg(line, '' ORDER BY started_at, id) AS body, count(*) AS rowCount, count(line) AS rendered, \
(max(ARRAY[started_at, id]))[1] AS endAt, (max(ARRAY[started_at, id]))[2] AS endId \
FROM (SELECT started_at, id, ${LINE_SQL} AS line \
FROM (SELECT ${PAGE_COLUMNS} FROM ${WITH_LABELS} WHERE ${where(range)} ORDER BY started_at, id LIMIT ${limit}) AS page OFFSET 0) AS lines`,
    rows: (range, end) => sql`SELECT ${source} FROM ${WITH_LABELS} WHERE ${inPage(range, end)}`,
    source: (range) => sql`SELECT ${source} FROM ${WITH_LABELS} WHERE ${where(range)} ORDER BY started_at, id LIMIT ${limit}`,
  };
}
