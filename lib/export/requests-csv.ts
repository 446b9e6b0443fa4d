import type { Db } from '@/db/client';
import type { MeterDb } from '@/db/database';
import { FILTER_COLUMNS, type Filters } from '@/lib/analytics/engine/filters';
import { list, raw, sql, type Sql } from '@/lib/analytics/engine/sql';
import { csvRecords } from './csv-cells';
import type { CsvSourceRow } from './request-csv-record';
import { PAGE_SIZE, requestCsvPages, sqliteStatements } from './request-csv-pages';
import { requestPageSql, type Key } from './request-csv-sql';

export const REQUEST_CSV_COLUMNS = [
  'upstream_id', 'started_at', 'api_key', 'model', 'serving_path', 'region', 'endpoint', 'stream', 'status',
  'error_code', 'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_usd', 'cache_savings_usd',
  'priced', 'cost_status', 'session_affinity', 'user', 'tags', 'team', 'project', 'environment', 'duration_ms', 'ttft_ms',
  'x_request_id', 'price_id', 'api_key_label',
] as const;

/** The page filters the export honours, as in the dashboard's URL; none means every call in the range. */
export type ExportFilters = Partial<Pick<Filters, keyof typeof FILTER_COLUMNS>>;

/** `column IN (…)` per filter, its values bound. */
function filterSql(filters: ExportFilters): Sql[] {
  return (Object.entries(FILTER_COLUMNS) as [keyof ExportFilters, string][])
    .filter(([key]) => filters[key]?.length)
    .map(([key, column]) => sql`${raw(column)} IN (${list(filters[key]!)})`);
}

/** Before every row at or after `from`: the page conditions then exclude nothing at the start. */
const startKey = (from: Date): Key => ({ at: from.getTime() - 1, id: 0 });

/** The rows of [from, to) after `after`: the started_at range starts at the key, so the index seeks to it. */
const rangeAfter = (after: Key, from: Date, to: Date) => ({ lo: Math.max(after.at, from.getTime()), hi: to.getTime(), after });

/**
 * Rows in [from, to) in time order on SQLite, fetched a page at a time by keyset so memory stays
 * flat at any size: the bench's reference read (the same rows and pages as the CSV, unformatted).
 */
export function* requestsInRange(db: Db, from: Date, to: Date, filters: ExportFilters = {}): Generator<CsvSourceRow> {
  const sql = requestPageSql(filterSql(filters), PAGE_SIZE);
  const prepare = sqliteStatements(db);
  let after = startKey(from);
  for (;;) {
    const { statement, params } = prepare(sql.source(rangeAfter(after, from, to)));
    const page = statement.raw().all(...params) as CsvSourceRow[];
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    after = { at: last[1], id: last[0] };
  }
}

/** The CSV of the rows in [from, to), a page per chunk, the database writing the lines. */
async function* csvPages(db: MeterDb, from: Date, to: Date, filters: ExportFilters): AsyncGenerator<Uint8Array> {
  const readPage = requestCsvPages(db, filterSql(filters));
  let after = startKey(from);
  for (;;) {
    const { csv, end } = await readPage(rangeAfter(after, from, to));
    if (csv?.length) yield csv;
    if (!end) return;
    after = end;
  }
}

/** The request-level CSV as a web stream: UTF-8, header row, CRLF, RFC 4180 quoting, formulas neutralised. */
export function requestsCsvStream(db: MeterDb, from: Date, to: Date, filters: ExportFilters = {}): ReadableStream<Uint8Array> {
  let pages: AsyncGenerator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!pages) {
        pages = csvPages(db, from, to, filters);
        controller.enqueue(new TextEncoder().encode(csvRecords([REQUEST_CSV_COLUMNS])));
        return;
      }
      const next = await pages.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await pages?.return(undefined);
    },
  });
}

/** Names the range and the time zone (exports are always UTC). */
export function requestsCsvFileName(from: Date, to: Date): string {
  const stamp = (d: Date) => d.toISOString().replace(/:/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `fireworks-meter_requests_${stamp(from)}_${stamp(to)}_UTC.csv`;
}
