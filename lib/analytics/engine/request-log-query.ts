import { z } from 'zod';
import { parseUsdToPico } from '@/lib/money';
import { filtersSchema } from './filters';

export const REQUEST_LOG_MAX = 200;
/** Orders other than time page by offset; past this many rows, narrow the range or the filters instead. */
export const REQUEST_LOG_MAX_OFFSET = 10_000;

/** The log's orders, largest (or newest) first, and the column each sorts on. */
export const REQUEST_LOG_SORTS = { time: 'started_at', cost: 'cost_total_pico', duration: 'duration_ms', ttft: 'ttft_ms' } as const;
export type RequestLogSort = keyof typeof REQUEST_LOG_SORTS;

const emptyAsMissing = (v: unknown) => (v === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsMissing, schema.optional());

/** Where the next page starts: after a row (newest first, by keyset) or after a number of rows (other orders). */
export type RequestLogCursor = { startedAt: number; id: number } | { offset: number };

/** Opaque to clients: base64url of "startedAt:id", the last row of the page before, or "+offset". */
export function encodeCursor(at: RequestLogCursor): string {
  return Buffer.from('offset' in at ? `+${at.offset}` : `${at.startedAt}:${at.id}`).toString('base64url');
}

const cursorSchema = z.string().max(64).transform((s, ctx): RequestLogCursor => {
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const row = /^(\d{1,15}):(\d{1,15})$/.exec(text);
  if (row) return { startedAt: Number(row[1]), id: Number(row[2]) };
  const offset = /^\+(\d{1,6})$/.exec(text);
  if (offset && Number(offset[1]) <= REQUEST_LOG_MAX_OFFSET) return { offset: Number(offset[1]) };
  ctx.addIssue({ code: 'custom', message: 'cursor is not one this API returned' });
  return z.NEVER;
});

const milliseconds = (what: string) => z.coerce.number({ error: `${what} must be a number of milliseconds` }).int(`${what} must be a whole number of milliseconds`).min(0, `${what} cannot be negative`).max(86_400_000, `${what} is at most a day (86400000 ms)`);

const usdAmount = z.string().trim().max(40).transform((s, ctx) => {
  const pico = parseUsdToPico(s);
  if (pico === null || pico < 0n) {
    ctx.addIssue({ code: 'custom', message: 'minimum cost must be a dollar amount such as 0.01' });
    return z.NEVER;
  }
  return pico;
});

/** The page filters plus the log's own: status, search, row filters, order, cursor and page size. */
export const requestLogSchema = filtersSchema.and(
  z.object({
    status: optional(z.string().regex(/^(ok|error|[1-5]\d\d)$/, 'status must be ok, error or an HTTP status such as 429')),
    q: optional(z.string().trim().min(1).max(200)),
    stream: optional(z.enum(['yes', 'no'], 'stream must be yes or no')),
    minDurationMs: optional(milliseconds('minimum duration')),
    minTtftMs: optional(milliseconds('minimum time to first token')),
    minCostUsd: optional(usdAmount),
    sort: z.preprocess(emptyAsMissing, z.enum(Object.keys(REQUEST_LOG_SORTS) as [RequestLogSort, ...RequestLogSort[]], 'sort must be time, cost, duration or ttft').default('time')),
    cursor: optional(cursorSchema),
    limit: z.coerce.number().int().min(1).max(REQUEST_LOG_MAX).default(50),
  }),
).refine((q) => !q.cursor || 'offset' in q.cursor === (q.sort !== 'time'), { message: 'cursor belongs to another order: start again from the first page', path: ['cursor'] });

export type RequestLogQuery = z.infer<typeof requestLogSchema>;
