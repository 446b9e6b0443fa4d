// The request CSV rendered by SQLite: an expression per CSV line, and keyset page statements that
// concatenate a page of lines into one blob, so JS never touches a row.
import {
  booleanCellSql, containsAnySql, exactSql, inertSql, isoTimeCellSql, picoCellSql, QUOTED_CHARS, quotedSql, textCellSql,
} from './csv-sql';
import { COST_STATE_CASE_SQL } from '@/lib/pricing/cost-state';

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
const WITH_LABELS = `requests LEFT JOIN (SELECT api_key AS labelled_key, label AS api_key_label FROM api_key_labels) ON labelled_key = api_key`;

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

function cellSql(cell: Cell, perCell: boolean): string {
  switch (cell.kind) {
    case 'text':
      return perCell || OWN_CHECK.has(cell.col) ? textCellSql(cell.col) : inertSql(cell.col);
    case 'plain':
      return perCell ? quotedSql(cell.col) : cell.col;
    case 'integer':
      return cell.col; // concat() writes NULL as '' and an integer as String(n) does
    case 'boolean':
      return booleanCellSql(cell.col);
    case 'priced':
      return booleanCellSql(`${cell.col} IS NOT NULL`);
    case 'costState':
      return COST_STATE_CASE_SQL; // one of three fixed words: nothing to quote
    case 'pico':
      return picoCellSql(cell.col);
    case 'isoTime':
      return isoTimeCellSql(cell.col);
  }
}

const lineSql = (perCell: boolean) => `concat(${CELLS.map((c) => cellSql(c, perCell)).join(", ',', ")}, char(13, 10))`;

const INTEGER_COLUMNS = [...new Set(CELLS.filter((c) => !isText(c) && c.kind !== 'isoTime').map((c) => c.col))];

/**
 * What the page's rows yield to the line below: the columns, the text cells other than tags run
 * together as `checked`, and `quick`, the line as it is when none of those needs quotes (nearly
 * every row). Both are made here, where a column is read straight from the row; the enclosing
 * query would copy each value it reads from this one.
 */
const PAGE_COLUMNS = `id, ${[...new Set(CELLS.map((c) => c.col))].join(', ')}, concat(${CHECKED_TOGETHER.join(', ')}) AS checked, ${lineSql(false)} AS quick`;

/**
 * A row's line. One scan of `checked` per quote character tells whether `quick` will do; the
 * other rows check each cell, which costs several times as much. A row with a value the SQL does
 * not render exactly (see exactSql) gets a NUL instead: see PageSql.body.
 */
const LINE_SQL =
  `CASE WHEN ${exactSql.isoTime('started_at')} AND ${exactSql.integers(INTEGER_COLUMNS)} ` +
  `THEN CASE WHEN ${containsAnySql('checked', QUOTED_CHARS)} THEN ${lineSql(true)} ELSE quick END ELSE char(0) END`;

export interface PageSql {
  /** The key of the page's last row, or no row when the rest of the range fits in one page. */
  boundary: string;
  /**
   * The page's lines as one blob. A NUL in it means the page has a row the SQL cannot render
   * exactly, or text holding NUL, which GLOB (C strings) reads only up to: format it in JS.
   */
  body: string;
  /** The page's rows as [id, ...SOURCE_COLUMNS], for formatting in JS. */
  rows: string;
  /** Up to a page of rows after the key as [id, ...SOURCE_COLUMNS], by LIMIT alone. */
  source: string;
}

/**
 * Keyset paging by (started_at, id) within [@lo, @hi): after (@afterAt, @afterId) and, in a page,
 * up to and including (@endAt, @endId). The started_at bounds stay plain ranges so SQLite seeks the
 * index to them; `filters` are extra conditions on named parameters.
 */
export function requestPageSql(filters: string[], pageSize: number): PageSql {
  const where = ['started_at >= @lo AND started_at < @hi', ...filters, 'NOT (started_at = @afterAt AND id <= @afterId)'].join(' AND ');
  const inPage = `${where} AND NOT (started_at = @endAt AND id > @endId) ORDER BY started_at, id`;
  const source = `id, ${SOURCE_COLUMNS.join(', ')}`;
  return {
    boundary: `SELECT started_at, id FROM requests WHERE ${where} ORDER BY started_at, id LIMIT 1 OFFSET ${pageSize - 1}`,
    // LIMIT -1 keeps SQLite from flattening the subquery into the aggregate, which would paste
    // `checked` into each of its uses and compute it for each; as a co-routine it yields each row
    // once, in index order, the order group_concat appends in.
    body: `SELECT CAST(group_concat(${LINE_SQL}, '') AS BLOB) FROM (SELECT ${PAGE_COLUMNS} FROM ${WITH_LABELS} WHERE ${inPage} LIMIT -1)`,
    rows: `SELECT ${source} FROM ${WITH_LABELS} WHERE ${inPage}`,
    source: `SELECT ${source} FROM ${WITH_LABELS} WHERE ${where} ORDER BY started_at, id LIMIT ${pageSize}`,
  };
}
