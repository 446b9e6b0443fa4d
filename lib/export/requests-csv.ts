import { and, asc, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { requests } from '@/db/schema';
import type { Filters } from '@/lib/analytics/filters';
import { microsToUsdString } from '@/lib/money';
import { csvRecords, textCell } from './csv-cells';

export const REQUEST_CSV_COLUMNS = [
  'upstream_id', 'started_at', 'api_key', 'model', 'serving_path', 'region', 'endpoint', 'stream', 'status',
  'error_code', 'prompt_tokens', 'cached_prompt_tokens', 'completion_tokens', 'cost_usd', 'cache_savings_usd',
  'priced', 'session_affinity', 'user', 'tags', 'team', 'project', 'environment', 'duration_ms', 'ttft_ms',
  'x_request_id', 'price_id',
] as const;

const PAGE_SIZE = 5000;

/** The columns the CSV needs, in the order csvRecord reads them (raw arrays skip per-row object mapping). */
const CSV_SOURCE = {
  id: requests.id, startedAt: requests.startedAt, upstreamId: requests.upstreamId, apiKey: requests.apiKey, model: requests.model,
  servingPath: requests.servingPath, region: requests.region, endpoint: requests.endpoint, stream: requests.stream, status: requests.status,
  errorCode: requests.errorCode, promptTokens: requests.promptTokens, cachedPromptTokens: requests.cachedPromptTokens,
  completionTokens: requests.completionTokens, costTotalMicros: requests.costTotalMicros, cacheSavingsMicros: requests.cacheSavingsMicros,
  sessionAffinity: requests.sessionAffinity, user: requests.user, tags: requests.tags, team: requests.team, project: requests.project,
  environment: requests.environment, durationMs: requests.durationMs, ttftMs: requests.ttftMs, upstreamRequestId: requests.upstreamRequestId,
  priceId: requests.priceId,
};
type CsvSourceRow = [number, number, string | null, string, string, string, string, string, number, number, string | null, number | null,
  number | null, number | null, number | null, number | null, string | null, string | null, string | null, string | null, string | null,
  string | null, number, number | null, string | null, number | null];

function csvRecord(r: CsvSourceRow): (string | number)[] {
  const [, startedAt, upstreamId, apiKey, model, servingPath, region, endpoint, stream, status, errorCode, prompt, cached, completion,
    cost, savings, session, user, tags, team, project, environment, durationMs, ttftMs, upstreamRequestId, priceId] = r;
  return [
    textCell(upstreamId), new Date(startedAt).toISOString(), textCell(apiKey), textCell(model), servingPath, region, endpoint,
    stream ? 'true' : 'false', status, textCell(errorCode), prompt ?? '', cached ?? '', completion ?? '',
    cost !== null ? microsToUsdString(cost) : '', savings !== null ? microsToUsdString(savings) : '', cost !== null ? 'true' : 'false',
    textCell(session), textCell(user), textCell(tags), textCell(team), textCell(project), textCell(environment), durationMs,
    ttftMs ?? '', textCell(upstreamRequestId), priceId ?? '',
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
export function* requestsInRange(db: Db, from: Date, to: Date, filters: ExportFilters = {}): Generator<CsvSourceRow> {
  const filtered = filterConditions(filters);
  let after: { startedAt: number; id: number } | undefined;
  for (;;) {
    const page = db
      .select(CSV_SOURCE)
      .from(requests)
      .where(
        and(
          // start the index range where the last page stopped (a row value or OR here makes SQLite
          // restart at `from` for every page), then skip that instant's rows already sent
          gte(requests.startedAt, after ? after.startedAt : from.getTime()),
          lt(requests.startedAt, to.getTime()),
          ...filtered,
          after ? sql`NOT (${requests.startedAt} = ${after.startedAt} AND ${requests.id} <= ${after.id})` : undefined,
        ),
      )
      .orderBy(asc(requests.startedAt), asc(requests.id))
      .limit(PAGE_SIZE)
      .values() as CsvSourceRow[];
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    after = { startedAt: last[1], id: last[0] };
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
        controller.enqueue(encoder.encode(csvRecords(header ? [REQUEST_CSV_COLUMNS, ...records] : records)));
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
