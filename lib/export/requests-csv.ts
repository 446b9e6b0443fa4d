import { stringify } from 'csv-stringify/sync';
import { and, asc, eq, gt, gte, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { requests, type RequestRow } from '@/db/schema';
import type { Filters } from '@/lib/analytics/filters';
import { microsToUsdString } from '@/lib/money';
import { CSV_OPTIONS, textCell } from './csv-cells';

export const REQUEST_CSV_COLUMNS = [
  'upstream_id', 'started_at', 'api_key', 'model', 'serving_path', 'region', 'endpoint', 'stream', 'status',
  'error_code', 'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_usd', 'cache_savings_usd',
  'priced', 'session_affinity', 'user', 'tags', 'team', 'project', 'environment', 'duration_ms', 'ttft_ms',
  'x_request_id', 'price_id',
] as const;

const PAGE_SIZE = 5000;

function csvRecord(r: RequestRow): (string | number)[] {
  const priced = r.costTotalMicros !== null;
  return [
    textCell(r.upstreamId), new Date(r.startedAt).toISOString(), textCell(r.apiKey), textCell(r.model), r.servingPath,
    r.region, r.endpoint, r.stream ? 'true' : 'false', r.status, textCell(r.errorCode), r.promptTokens ?? '',
    r.cachedPromptTokens ?? '', r.completionTokens ?? '', priced ? microsToUsdString(r.costTotalMicros!) : '',
    r.cacheSavingsMicros !== null ? microsToUsdString(r.cacheSavingsMicros) : '', priced ? 'true' : 'false',
    textCell(r.sessionAffinity), textCell(r.user), textCell(r.tags), textCell(r.team), textCell(r.project),
    textCell(r.environment), r.durationMs, r.ttftMs ?? '', textCell(r.upstreamRequestId), r.priceId ?? '',
  ];
}

/** The page filters the export honours, as in the dashboard's URL; none means every call in the range. */
export type ExportFilters = Partial<Pick<Filters, 'apiKey' | 'team' | 'project' | 'environment' | 'model' | 'servingPath' | 'region'>>;

const FILTERED_COLUMNS = {
  apiKey: requests.apiKey,
  team: requests.team,
  project: requests.project,
  environment: requests.environment,
  model: requests.model,
  servingPath: requests.servingPath,
  region: requests.region,
} as const;

function filterConditions(filters: ExportFilters): SQL[] {
  const out: SQL[] = [];
  for (const [key, column] of Object.entries(FILTERED_COLUMNS) as [keyof ExportFilters, (typeof FILTERED_COLUMNS)[keyof ExportFilters]][]) {
    const values = filters[key];
    if (values?.length) out.push(inArray(column, [...values]));
  }
  return out;
}

/** Rows in [from, to) in time order, fetched a page at a time by keyset so memory stays flat at any size. */
export function* requestsInRange(db: Db, from: Date, to: Date, filters: ExportFilters = {}): Generator<RequestRow> {
  const filtered = filterConditions(filters);
  let after: { startedAt: number; id: number } | undefined;
  for (;;) {
    const page = db
      .select()
      .from(requests)
      .where(
        and(
          gte(requests.startedAt, from.getTime()),
          lt(requests.startedAt, to.getTime()),
          ...filtered,
          after ? or(gt(requests.startedAt, after.startedAt), and(eq(requests.startedAt, after.startedAt), gt(requests.id, after.id))) : undefined,
        ),
      )
      .orderBy(asc(requests.startedAt), asc(requests.id))
      .limit(PAGE_SIZE)
      .all();
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    after = { startedAt: last.startedAt, id: last.id };
  }
}

/** The request-level CSV as a web stream: UTF-8, header row, CRLF, RFC 4180 quoting, formulas neutralised. */
export function requestsCsvStream(db: Db, from: Date, to: Date, filters: ExportFilters = {}): ReadableStream<Uint8Array> {
  const rows = requestsInRange(db, from, to, filters);
  const encoder = new TextEncoder();
  let header = true;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const records: (string | number)[][] = [];
      let done = false;
      while (records.length < 1000) {
        const next = rows.next();
        if (next.done) {
          done = true;
          break;
        }
        records.push(csvRecord(next.value));
      }
      if (records.length || header) {
        controller.enqueue(encoder.encode(stringify(records, { ...CSV_OPTIONS, header, columns: [...REQUEST_CSV_COLUMNS] })));
        header = false;
      }
      if (done) controller.close();
    },
    cancel() {
      rows.return(undefined);
    },
  });
}

/** Names the range and the time zone (exports are always UTC). */
export function requestsCsvFileName(from: Date, to: Date): string {
  const stamp = (d: Date) => d.toISOString().replace(/:/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `fireworks-meter_requests_${stamp(from)}_${stamp(to)}_UTC.csv`;
}
