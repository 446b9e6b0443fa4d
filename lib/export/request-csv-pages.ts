// Reading the request CSV a keyset page at a time, each engine its own way: SQLite in one short
// read transaction per page (boundary, then body), PostgreSQL in one statement per page. Both
// hand back the page's finished bytes and the key the next page starts after.
import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/client';
import { isSqlite, type MeterDb } from '@/db/database';
import { query, querySqlite } from '@/lib/analytics/engine/run';
import { render, type Sql } from '@/lib/analytics/engine/sql';
import { csvRecords } from './csv-cells';
import { csvRecord, type CsvSourceRow } from './request-csv-record';
import { requestPageSql, type Key, type PageRange } from './request-csv-sql';

/** Rows per keyset page and stream chunk (about 1.3 MB of CSV); smaller pages cost more per row. */
export const PAGE_SIZE = 5000;

export interface Page {
  csv: Uint8Array | null;
  /** The page's last row, when rows may follow it. */
  end?: Key;
}

export type PageReader = (range: PageRange) => Promise<Page>;

/** Rows as better-sqlite3's `.raw()` gives them, from objects whose keys are in column order. */
const asRows = (objects: Record<string, unknown>[]) => objects.map((o) => Object.values(o) as CsvSourceRow);

/** The page the JS way (rare: see the page statements). */
const formatted = (rows: CsvSourceRow[]): Buffer => Buffer.from(csvRecords(rows.map(csvRecord)));

/** A cache of prepared statements for one export: each page renders the same text with new values. */
export function sqliteStatements(db: Db) {
  const prepared = new Map<string, Statement>();
  return (fragment: Sql) => {
    const { text, params } = render(fragment, 'sqlite');
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = db.$client.prepare(text)));
    return { statement, params };
  };
}

/**
 * SQLite writes each page's lines. Each page is one short read transaction (boundary and body see
 * one snapshot) and no statement stays open between pulls, so the connection stays free for the
 * recorder that shares it.
 */
function sqlitePages(db: Db, filters: readonly Sql[]): PageReader {
  const sql = requestPageSql(filters, PAGE_SIZE);
  const prepare = sqliteStatements(db);
  const read = db.$client.transaction((range: PageRange): Page => {
    const boundary = prepare(sql.boundary(range));
    const last = boundary.statement.raw().get(...boundary.params) as [number, number] | undefined;
    // the page ends at its boundary row, or at the range's end when the rest fits in one page
    const end: Key = last ? { at: last[0], id: last[1] } : { at: range.hi, id: 0 };
    const page = last ? { ...range, hi: end.at + 1 } : range;
    const body = prepare(sql.body(page, end));
    let csv = body.statement.pluck().get(...body.params) as Buffer | null;
    if (csv?.includes(0)) csv = formatted(asRows(querySqlite(db, sql.rows(page, end))));
    return { csv, end: last && end };
  });
  return async (range) => read(range);
}

interface PgPageRow {
  body: string | null;
  rowCount: number;
  rendered: number;
  endAt: number | null;
  endId: number | null;
}

/** PostgreSQL writes each page's lines, one statement (and snapshot) per page; a page with a row it cannot render exactly is read again as rows. */
function pgPages(db: MeterDb, filters: readonly Sql[]): PageReader {
  const sql = requestPageSql(filters, PAGE_SIZE);
  return async (range) => {
    const [page] = await query<PgPageRow>(db, sql.pgPage(range));
    if (!page?.rowCount) return { csv: null };
    const end: Key = { at: page.endAt!, id: page.endId! };
    const csv = page.rendered === page.rowCount
      ? Buffer.from(page.body ?? '')
      : formatted(asRows(await query<Record<string, unknown>>(db, sql.rows({ ...range, hi: end.at + 1 }, end))));
    return { csv, end: page.rowCount === PAGE_SIZE ? end : undefined };
  };
}

export const requestCsvPages = (db: MeterDb, filters: readonly Sql[]): PageReader => (isSqlite(db) ? sqlitePages(db, filters) : pgPages(db, filters));
