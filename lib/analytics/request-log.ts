import { z } from 'zod';
import { picoToUsdString } from '@/lib/money';
import { COST_STATE_CASE_SQL, type CostState } from '@/lib/pricing/cost-state';
import type { Db } from '@/db/client';
import { filterClause } from './facts';
import { filtersSchema } from './filters';
import { HOUR_MS } from '@/lib/rollups/definition';
import { query } from './run';

export const REQUEST_LOG_MAX = 200;

const emptyAsMissing = (v: unknown) => (v === '' ? undefined : v);

/** Opaque to clients: base64url of "startedAt:id", the last row of the page before. */
export function encodeCursor(row: { startedAt: number; id: number }): string {
  return Buffer.from(`${row.startedAt}:${row.id}`).toString('base64url');
}

const cursorSchema = z.string().max(64).transform((s, ctx) => {
  const match = /^(\d{1,15}):(\d{1,15})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'cursor is not one this API returned' });
    return z.NEVER;
  }
  return { startedAt: Number(match[1]), id: Number(match[2]) };
});

/** The page filters plus the log's own: status, search, cursor and page size. */
export const requestLogSchema = filtersSchema.and(
  z.object({
    status: z.preprocess(emptyAsMissing, z.string().regex(/^(ok|error|[1-5]\d\d)$/, 'status must be ok, error or an HTTP status such as 429').optional()),
    q: z.preprocess(emptyAsMissing, z.string().trim().min(1).max(200).optional()),
    cursor: z.preprocess(emptyAsMissing, cursorSchema.optional()),
    limit: z.coerce.number().int().min(1).max(REQUEST_LOG_MAX).default(50),
  }),
);

export type RequestLogQuery = z.infer<typeof requestLogSchema>;

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
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const SEARCHED = ['upstream_id', 'upstream_request_id', 'session_affinity', 'user'] as const;

/** Above every valid UTF-8 sequence, so [q, q + TOP) is "starts with q" as an index range. */
const TOP = '\u{10FFFF}';

/**
 * Raw calls newest first, a page at a time by keyset on (started_at, id): no OFFSET, so page 1000 costs
 * what page 1 does. Search is by prefix on ids, session-affinity key and user: an index range in each hour
 * (the search indexes lead with started_at / HOUR_MS, see db/schema/requests.ts).
 */
export function requestLog(db: Db, input: RequestLogQuery): RequestLogPage {
  const params: (string | number)[] = [input.from.getTime(), input.to.getTime()];
  let where = `started_at >= ? AND started_at < ?${filterClause(input, params)}`;
  if (input.status === 'ok') where += ' AND status < 400';
  else if (input.status === 'error') where += ' AND status >= 400';
  else if (input.status) {
    where += ' AND status = ?';
    params.push(Number(input.status));
  }
  if (input.cursor) {
    // written so started_at <= ? bounds the index range; the OR only breaks ties within one millisecond
    where += ' AND started_at <= ? AND (started_at < ? OR id < ?)';
    params.push(input.cursor.startedAt, input.cursor.startedAt, input.cursor.id);
  }
  const wanted = input.limit + 1;
  const select = (search: string, searchParams: (string | number)[], limit: number) =>
    query<Omit<RequestLogRow, 'stream' | 'costUsd'> & { stream: number; costTotalPico: number | null }>(
      db,
      `SELECT id, started_at AS startedAt, endpoint, model, serving_path AS servingPath, region, stream, status,
         error_code AS errorCode, api_key AS apiKey, (SELECT label FROM api_key_labels l WHERE l.api_key = requests.api_key) AS apiKeyLabel,
         upstream_id AS upstreamId, upstream_request_id AS upstreamRequestId, session_affinity AS sessionAffinity, user,
         team, project, environment, prompt_tokens AS promptTokens, cached_prompt_tokens AS cachedPromptTokens,
         completion_tokens AS completionTokens, cost_total_pico AS costTotalPico,
         ${COST_STATE_CASE_SQL} AS costState, duration_ms AS durationMs, ttft_ms AS ttftMs
       FROM requests WHERE ${where}${search} ORDER BY started_at DESC, id DESC LIMIT ?`,
      [...params, ...searchParams, limit],
    );
  const q = input.q;
  let found: ReturnType<typeof select>;
  if (!q) found = select('', [], wanted);
  else {
    // The search indexes lead with the hour, so matches are looked up hour by hour: in windows of
    // 1, 2, 4, ... hours going back from the newest, stopping once the page is full, so a prefix
    // that matches millions of calls costs one small window and a rare id about 12 windows over 90 days.
    const search = ` AND id IN (WITH RECURSIVE hours(h) AS (SELECT ? UNION ALL SELECT h - 1 FROM hours WHERE h > ?) ${SEARCHED.map(
      (c) => `SELECT r.id FROM hours, requests r WHERE r.started_at / ${HOUR_MS} = hours.h AND r.${c} >= ? AND r.${c} < ?`,
    ).join(' UNION ALL ')})`;
    const oldest = Math.floor(input.from.getTime() / HOUR_MS);
    let newest = Math.floor(Math.min(input.to.getTime() - 1, input.cursor?.startedAt ?? Infinity) / HOUR_MS);
    const prefixRanges = SEARCHED.flatMap(() => [q, q + TOP]);
    found = [];
    for (let span = 1; newest >= oldest && found.length < wanted; span *= 2) {
      const low = Math.max(oldest, newest - span + 1);
      found.push(...select(search, [newest, low, ...prefixRanges], wanted - found.length));
      newest = low - 1;
    }
  }
  const rows = found.slice(0, input.limit).map(({ costTotalPico, ...r }) => ({ ...r, stream: r.stream === 1, costUsd: costTotalPico === null ? null : picoToUsdString(costTotalPico) }));
  const last = rows.at(-1);
  return { rows, nextCursor: found.length > input.limit && last ? encodeCursor(last) : null };
}
