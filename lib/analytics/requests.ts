import { picoToUsdString } from '@/lib/money';
import { COST_STATE_CASE_SQL, type CostState } from '@/lib/pricing/cost-state';
import { filterClause } from './engine/facts';
import { HOUR_MS } from '@/lib/rollups/definition';
import { encodeCursor, REQUEST_LOG_MAX_OFFSET, REQUEST_LOG_SORTS, type RequestLogQuery } from './engine/request-log-query';
import { topRowsByHour } from './engine/request-log-top';
import { rowSearchClause, searchClause, searchTargets, type SearchTargets } from './engine/request-log-search';
import { totalsBy, type UsageTotals } from './engine/totals';
import { apiKeyLabels } from './engine/api-key-labels';
import { query, type AnalyticsDb } from './engine/run';
import { flagIs, int64, reservedColumn, subquery } from './engine/dialect';
import { raw, sql, type Sql } from './engine/sql';

export { encodeCursor, requestLogSchema, REQUEST_LOG_MAX, type RequestLogQuery } from './engine/request-log-query';

/** Counting stops here: "10,000+ calls" says enough, and a count never costs more than this many rows. */
export const REQUEST_LOG_COUNT_CAP = 10_000;

export interface RequestLogRow {
  id: number;
  startedAt: number;
  endpoint: string;
  model: string;
  servingPath: string;
  region: string;
  stream: boolean;
  status: number;
  errorCode: string | null;
  apiKey: string;
  apiKeyLabel: string | null;
  upstreamId: string | null;
  upstreamRequestId: string | null;
  sessionAffinity: string | null;
  user: string | null;
  team: string | null;
  project: string | null;
  environment: string | null;
  promptTokens: number | null;
  cachedPromptTokens: number | null;
  completionTokens: number | null;
  /** Exact decimal dollars; null unless priced. */
  costUsd: string | null;
  /** Priced, unpriced (a price to add) or usage unknown (nothing to price); never $0 for the last two. */
  costState: CostState;
  durationMs: number;
  ttftMs: number | null;
}

export interface RequestLogPage {
  rows: RequestLogRow[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Calls matching in the whole range; `atLeast` past the cap. */
  total: { count: number; atLeast: boolean };
}

/** The page filters and the log's own row filters, each as ` AND …`: what narrows the log besides the range, the search and the cursor. */
function rowFilters(input: RequestLogQuery): Sql {
  let where = filterClause(input);
  const add = (condition: Sql) => {
    where = sql`${where} AND ${condition}`;
  };
  if (input.status === 'ok') add(raw('status < 400'));
  else if (input.status === 'error') add(raw('status >= 400'));
  else if (input.status) add(sql`status = ${Number(input.status)}`);
  if (input.stream) add(flagIs('stream', input.stream === 'yes'));
  if (input.minDurationMs !== undefined) add(sql`duration_ms >= ${input.minDurationMs}`);
  if (input.minTtftMs !== undefined) add(sql`ttft_ms >= ${input.minTtftMs}`);
  // pico-dollars fit SQLite's integers; passed as text so a bigint never meets a JS number
  if (input.minCostUsd !== undefined) add(sql`cost_total_pico >= ${int64(input.minCostUsd.toString(), true)}`);
  return where;
}

/** Everything but the search and the cursor: the range and the filters. */
const rowConditions = (input: RequestLogQuery): Sql => sql`started_at >= ${input.from.getTime()} AND started_at < ${input.to.getTime()}${rowFilters(input)}`;

type FoundRow = Omit<RequestLogRow, 'stream' | 'costUsd' | 'apiKeyLabel'> & { stream: number; costTotalPico: number | null };

function select(db: AnalyticsDb, where: Sql, order: string, limit: number, offset = 0): Promise<FoundRow[]> {
  return query<FoundRow>(
    db,
    sql`SELECT id, started_at AS startedAt, endpoint, model, serving_path AS servingPath, region, stream, status,
       error_code AS errorCode, api_key AS apiKey,
       upstream_id AS upstreamId, upstream_request_id AS upstreamRequestId, session_affinity AS sessionAffinity, ${reservedColumn('user')},
       team, project, environment, prompt_tokens AS promptTokens, cached_prompt_tokens AS cachedPromptTokens,
       completion_tokens AS completionTokens, cost_total_pico AS costTotalPico,
       ${raw(COST_STATE_CASE_SQL)} AS costState, duration_ms AS durationMs, ttft_ms AS ttftMs
     FROM requests WHERE ${where} ORDER BY ${raw(order)} LIMIT ${limit} OFFSET ${offset}`,
  );
}

const and = (a: Sql, b: Sql): Sql => sql`${a}${b}`;
const NEWEST_FIRST = 'started_at DESC, id DESC';
const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** Hours [low, high] of [from, to), newest first, in windows of 1, 2, 4, ... hours: searches and counts stop as soon as they have enough. */
function* newestHourWindows(from: number, to: number): Generator<[low: number, high: number]> {
  const oldest = hourOf(from);
  for (let newest = hourOf(to - 1), span = 1; newest >= oldest; span *= 2) {
    const low = Math.max(oldest, newest - span + 1);
    yield [low, newest];
    newest = low - 1;
  }
}

/**
 * Newest first, a page at a time by keyset on (started_at, id): no OFFSET, so page 1000 costs what page 1
 * does. A search is looked up hour by hour (the search indexes lead with the hour, see
 * db/schema/requests.ts) in windows of 1, 2, 4, ... hours going back from the newest, stopping once the
 * page is full, so a prefix that matches millions of calls costs one small window and a rare id about
 * 12 windows over 90 days.
 */
async function newestFirst(db: AnalyticsDb, input: RequestLogQuery, base: Sql, targets: SearchTargets | null, wanted: number): Promise<FoundRow[]> {
  let where = base;
  const cursor = input.cursor && 'startedAt' in input.cursor ? input.cursor : undefined;
  if (cursor) {
    // written so started_at <= ? bounds the index range; the OR only breaks ties within one millisecond
    where = and(where, sql` AND started_at <= ${cursor.startedAt} AND (started_at < ${cursor.startedAt} OR id < ${cursor.id})`);
  }
  if (!targets) return select(db, where, NEWEST_FIRST, wanted);
  const found: FoundRow[] = [];
  for (const [low, high] of newestHourWindows(input.from.getTime(), Math.min(input.to.getTime(), (cursor?.startedAt ?? Infinity) + 1))) {
    found.push(...await select(db, and(where, searchClause(targets, low, high)), NEWEST_FIRST, wanted - found.length));
    if (found.length >= wanted) break;
  }
  return found;
}

/** Raw calls matching the page's filters, the log's own filters and the search, in the order asked for. */
export async function requestLog(db: AnalyticsDb, input: RequestLogQuery): Promise<RequestLogPage> {
  const base = rowConditions(input);
  const targets = input.q ? await searchTargets(db, input.q, input.from, input.to) : null;
  const total = await (countFromRollups(db, input, targets) ?? countMatches(db, input, targets));
  const wanted = input.limit + 1;
  let found: FoundRow[];
  let next: (last: FoundRow) => string | null;
  if (input.sort === 'time') {
    found = await newestFirst(db, input, base, targets, wanted);
    next = (last) => encodeCursor(last);
  } else {
    // orders other than time page by offset; by cost, read hour by hour where that skips rows
    const offset = input.cursor && 'offset' in input.cursor ? input.cursor.offset : 0;
    const wholeRange = targets ? and(base, rowSearchClause(targets, hourOf(input.from.getTime()), hourOf(input.to.getTime() - 1))) : base;
    const column = REQUEST_LOG_SORTS[input.sort];
    const order = `${column} DESC NULLS LAST, ${NEWEST_FIRST}`;
    // Not with a search: its ids are found through indexes of their own, which SQLite planned
    // inside each hour's lookup as a scan of a whole one.
    const byHour = targets ? null : await topRowsByHour(db, { column, filters: rowFilters(input), matches: total, from: input.from.getTime(), to: input.to.getTime(), order, wanted, offset });
    // else the range's top ids are sorted first and only the page's rows read whole: every row's columns went through the sort
    const top = byHour ?? sql`id IN (SELECT id FROM requests WHERE ${wholeRange} ORDER BY ${raw(order)} LIMIT ${wanted} OFFSET ${offset})`;
    found = await select(db, top, order, wanted);
    next = () => (offset + input.limit < REQUEST_LOG_MAX_OFFSET ? encodeCursor({ offset: offset + input.limit }) : null);
  }
  // labels are looked up for the page only: in SQL they were computed for every row before a top-N sort
  const labelOf = await apiKeyLabels(db);
  const rows = found.slice(0, input.limit).map(({ costTotalPico, ...r }) => ({
    ...r, apiKeyLabel: labelOf(r.apiKey).label, stream: r.stream === 1, costUsd: costTotalPico === null ? null : picoToUsdString(costTotalPico),
  }));
  const last = found[input.limit - 1];
  return {
    rows,
    nextCursor: found.length > input.limit && last ? next(last) : null,
    total,
  };
}

/** Statuses the rollups count: the log's count is then read from them, exact and without a scan. */
const ROLLUP_STATUSES = { ok: (t: UsageTotals) => t.requests - t.errors, error: (t: UsageTotals) => t.errors, '429': (t: UsageTotals) => t.rateLimited, '503': (t: UsageTotals) => t.overloaded, '402': (t: UsageTotals) => t.paymentRequired } as const;

/** The count from the rollups, when nothing but the page filters and a status they count narrows the log. */
function countFromRollups(db: AnalyticsDb, input: RequestLogQuery, targets: SearchTargets | null): Promise<{ count: number; atLeast: boolean }> | undefined {
  const rowFilters = [input.stream, input.minDurationMs, input.minTtftMs, input.minCostUsd];
  if (targets || rowFilters.some((f) => f !== undefined)) return undefined;
  const pick = input.status === undefined ? (t: UsageTotals) => t.requests : ROLLUP_STATUSES[input.status as keyof typeof ROLLUP_STATUSES];
  if (!pick) return undefined;
  // retention drops raw rows before a cutoff while the rollups keep them: count only where the log has rows
  return query<{ oldest: number | null }>(db, sql`SELECT min(started_at) AS oldest FROM requests`).then(async ([row]) => {
    const oldest = row?.oldest ?? null;
    if (oldest === null || oldest >= input.to.getTime()) return { count: 0, atLeast: false };
    const [t] = await totalsBy(db, { ...input, from: new Date(Math.max(input.from.getTime(), oldest)) }, []);
    return { count: t ? pick(t) : 0, atLeast: false };
  });
}

/**
 * Counted newest first in windows of 1, 2, 4, ... hours, as the search pages are, each stopping at
 * what the cap still allows: a common match reaches the cap in the first windows, and a search's
 * matches are found through its indexes, never gathered over the whole range at once.
 */
async function countMatches(db: AnalyticsDb, input: RequestLogQuery, targets: SearchTargets | null): Promise<{ count: number; atLeast: boolean }> {
  let n = 0;
  for (const [low, high] of newestHourWindows(input.from.getTime(), input.to.getTime())) {
    // the window narrows the range itself (two ranges on started_at would let SQLite walk the index over the first)
    const within = rowConditions({ ...input, from: new Date(Math.max(input.from.getTime(), low * HOUR_MS)), to: new Date(Math.min(input.to.getTime(), (high + 1) * HOUR_MS)) });
    const window = targets ? and(within, searchClause(targets, low, high)) : within;
    const [row] = await query<{ n: number }>(db, sql`SELECT count(*) AS n FROM ${subquery(sql`SELECT 1 FROM requests WHERE ${window} LIMIT ${REQUEST_LOG_COUNT_CAP + 1 - n}`)}`);
    n += row?.n ?? 0;
    if (n > REQUEST_LOG_COUNT_CAP) break;
  }
  return n > REQUEST_LOG_COUNT_CAP ? { count: REQUEST_LOG_COUNT_CAP, atLeast: true } : { count: n, atLeast: false };
}
