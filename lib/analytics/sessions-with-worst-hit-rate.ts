import type { Db } from '@/db/client';
import { DAY_MS } from '@/lib/rollups/definition';
import { apiKeyLabels } from './api-key-labels';
import type { Filters } from './filters';
import { query } from './run';

export interface SessionRow {
  /** The session-affinity key the calls sent (x-session-affinity, prompt_cache_key or user). */
  session: string;
  apiKey: string;
  label: string | null;
  model: string;
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  /** Token-weighted cached / prompt. */
  hitRate: number;
  lastSeen: number;
}

export interface SessionsWithWorstHitRate {
  rows: SessionRow[];
  /** The whole UTC days read: sessions are totalled per day, so the range is widened to day boundaries, and at most the last MAX_SESSION_DAYS. */
  days: { from: string; to: string };
  /** Filters set on the page that sessions cannot honour (the daily session totals only keep key and model). */
  ignoredFilters: string[];
}

const LIMIT = 20;
/** Totalling every session over months takes seconds at millions of calls: read the range's last week. */
export const MAX_SESSION_DAYS = 7;
const UNSUPPORTED = ['team', 'project', 'environment', 'servingPath', 'region'] as const;

/**
 * Sessions whose calls found the least of their prompt in the cache: at least 2 calls (a first call
 * cannot hit) and some prompt tokens, lowest token-weighted hit rate first, then the larger sessions.
 * Reads the daily session rollup, never raw rows.
 */
export function sessionsWithWorstHitRate(db: Db, filters: Filters): SessionsWithWorstHitRate {
  const endDay = Math.ceil(filters.to.getTime() / DAY_MS) * DAY_MS;
  const firstDay = Math.max(Math.floor(filters.from.getTime() / DAY_MS) * DAY_MS, endDay - MAX_SESSION_DAYS * DAY_MS);
  const params: (string | number)[] = [firstDay, endDay];
  let where = 'day_start >= ? AND day_start < ?';
  for (const [values, column] of [[filters.apiKey, 'api_key'], [filters.model, 'model']] as const) {
    if (!values.length) continue;
    where += ` AND ${column} IN (${values.map(() => '?').join(', ')})`;
    params.push(...values);
  }
  params.push(LIMIT);
  const rows = query<Omit<SessionRow, 'label' | 'hitRate'>>(
    db,
    `SELECT session_affinity AS session, api_key AS apiKey, model, sum(requests) AS requests,
       sum(prompt_tokens) AS promptTokens, sum(cached_tokens) AS cachedTokens, max(last_seen) AS lastSeen
     FROM session_daily WHERE ${where}
     GROUP BY session_affinity, api_key, model
     HAVING sum(requests) >= 2 AND sum(prompt_tokens) > 0
     ORDER BY CAST(sum(cached_tokens) AS REAL) / sum(prompt_tokens), sum(prompt_tokens) DESC, session_affinity, api_key, model
     LIMIT ?`,
    params,
  );
  const labelOf = apiKeyLabels(db);
  return {
    rows: rows.map((r) => ({ ...r, label: labelOf(r.apiKey).label, hitRate: r.cachedTokens / r.promptTokens })),
    days: { from: new Date(firstDay).toISOString(), to: new Date(endDay).toISOString() },
    ignoredFilters: UNSUPPORTED.filter((k) => filters[k].length > 0),
  };
}
