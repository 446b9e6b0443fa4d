import type { Statement } from 'better-sqlite3';
import type { Db } from '@/db/client';
import { FILTER_COLUMNS, type Filters } from '@/lib/analytics/engine/filters';
import { csvRecords } from './csv-cells';
import { csvRecord, type CsvSourceRow } from './request-csv-record';
import { requestPageSql } from './request-csv-sql';

export const REQUEST_CSV_COLUMNS = [
  'upstream_id', 'started_at', 'api_key', 'model', 'serving_path', 'region', 'endpoint', 'stream', 'status',
  'error_code', 'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_usd', 'cache_savings_usd',
  'priced', 'cost_status', 'session_affinity', 'user', 'tags', 'team', 'project', 'environment', 'duration_ms', 'ttft_ms',
  'x_request_id', 'price_id', 'api_key_label',
] as const;

/** Rows per keyset page and stream chunk (about 1.3 MB of CSV); smaller pages cost more per row. */
const PAGE_SIZE = 5000;

/** The page filters the export honours, as in the dashboard's URL; none means every call in the range. */
export type ExportFilters = Partial<Pick<Filters, keyof typeof FILTER_COLUMNS>>;


type Params = Record<string, string | number>;

/** `column IN (…)` per filter, its values as named parameters. */
function filterSql(filters: ExportFilters): { conditions: string[]; params: Params } {
  const conditions: string[] = [];
  const params: Params = {};
  for (const [key, column] of Object.entries(FILTER_COLUMNS) as [keyof ExportFilters, string][]) {
    const values = filters[key];
    if (!values?.length) continue;
    const names = values.map((v, i) => {
      params[`${key}${i}`] = v;
      return `@${key}${i}`;
    });
    conditions.push(`${column} IN (${names.join(', ')})`);
  }
  return { conditions, params };
}

interface Key {
  at: number;
  id: number;
}

/** Before every row at or after `from`: the page conditions then exclude nothing at the start. */
const startKey = (from: Date): Key => ({ at: from.getTime() - 1, id: 0 });

/** Rows in [from, to) in time order, fetched a page at a time by keyset so memory stays flat at any size. */
export function* requestsInRange(db: Db, from: Date, to: Date, filters: ExportFilters = {}): Generator<CsvSourceRow> {
  const { conditions, params } = filterSql(filters);
  const source = db.$client.prepare(requestPageSql(conditions, PAGE_SIZE).source).raw();
  let after = startKey(from);
  for (;;) {
    const page = source.all({ ...params, lo: Math.max(after.at, from.getTime()), hi: to.getTime(), afterAt: after.at, afterId: after.id }) as CsvSourceRow[];
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    after = { at: last[1], id: last[0] };
  }
}

/**
 * The CSV of the rows in [from, to), a page per chunk, SQLite writing the lines. Each page is one
 * short read transaction (boundary and body see one snapshot) and no statement stays open between
 * pulls, so the connection stays free for the recorder that shares it.
 */
function* csvPages(db: Db, from: Date, to: Date, filters: ExportFilters): Generator<Uint8Array> {
  const client = db.$client;
  const { conditions, params } = filterSql(filters);
  const sql = requestPageSql(conditions, PAGE_SIZE);
  const boundary = client.prepare(sql.boundary).raw();
  const body = client.prepare(sql.body).pluck();
  let rows: Statement | undefined;
  const hi = to.getTime();
  const readPage = client.transaction((range: Params): [Uint8Array | null, Key | undefined] => {
    const end = boundary.get(range) as [number, number] | undefined;
    // the page ends at its boundary row, or at `to` when the rest fits in one page
    const page = end ? { ...range, hi: end[0] + 1, endAt: end[0], endId: end[1] } : { ...range, endAt: hi, endId: 0 };
    let csv = body.get(page) as Buffer | null;
    if (csv?.includes(0)) {
      // rare (see PageSql.body): the whole page the JS way
      rows ??= client.prepare(sql.rows).raw();
      csv = Buffer.from(csvRecords((rows.all(page) as CsvSourceRow[]).map(csvRecord)));
    }
    return [csv, end && { at: end[0], id: end[1] }];
  });
  let after = startKey(from);
  for (;;) {
    const [csv, end] = readPage({ ...params, lo: Math.max(after.at, from.getTime()), hi, afterAt: after.at, afterId: after.id });
    if (csv?.length) yield csv;
    if (!end) return;
    after = end;
  }
}

/** The request-level CSV as a web stream: UTF-8, header row, CRLF, RFC 4180 quoting, formulas neutralised. */
export function requestsCsvStream(db: Db, from: Date, to: Date, filters: ExportFilters = {}): ReadableStream<Uint8Array> {
  let pages: Generator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!pages) {
        pages = csvPages(db, from, to, filters);
        controller.enqueue(new TextEncoder().encode(csvRecords([REQUEST_CSV_COLUMNS])));
      }
      const next = pages.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel() {
      pages?.return(undefined);
    },
  });
}

/** Names the range and the time zone (exports are always UTC). */
export function requestsCsvFileName(from: Date, to: Date): string {
  const stamp = (d: Date) => d.toISOString().replace(/:/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `fireworks-meter_requests_${stamp(from)}_${stamp(to)}_UTC.csv`;
}
