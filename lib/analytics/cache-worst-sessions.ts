import { apiKeyLabels } from './engine/api-key-labels';
import type { Filters } from './engine/filters';
import { query, type AnalyticsDb } from './engine/run';
import { asFloat } from './engine/dialect';
import { list, raw, sql } from './engine/sql';

export interface SessionRow {
  /** The session-affinity key the calls sent (x-session-affinity, prompt_cache_key or user). */
  session: string;
  apiKey: string;
  label: string | null;
  model: string;
  /** Over the session's whole recorded life, not only the range. */
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  /** Token-weighted cached / prompt. */
  hitRate: number;
  firstSeen: number;
  lastSeen: number;
}

export interface SessionsWithWorstHitRate {
  rows: SessionRow[];
  /** Filters set on the page that sessions cannot honour (session totals only keep key and model). */
  ignoredFilters: string[];
}

const LIMIT = 20;
const UNSUPPORTED = ['team', 'project', 'environment', 'servingPath', 'region', 'endpoint'] as const;

/**
 * Sessions active in the range whose calls found the least of their prompt in the cache, by their
 * lifetime totals: at least 2 calls (a first call cannot hit) and some prompt tokens, lowest
 * token-weighted hit rate first, then the larger sessions. The ORDER BY is the partial index
 * session_totals_worst_hit_rate, so SQLite walks it worst-first and stops at the 20th match.
 */
export async function sessionsWithWorstHitRate(db: AnalyticsDb, filters: Filters): Promise<SessionsWithWorstHitRate> {
  let where = sql`requests >= 2 AND prompt_tokens > 0 AND last_seen >= ${filters.from.getTime()} AND first_seen < ${filters.to.getTime()}`;
  for (const [values, column] of [[filters.apiKey, 'api_key'], [filters.model, 'model']] as const) {
    if (!values.length) continue;
    where = sql`${where} AND ${raw(column)} IN (${list(values)})`;
  }
  const rows = await query<Omit<SessionRow, 'label' | 'hitRate'>>(
    db,
    sql`SELECT session_affinity AS session, api_key AS apiKey, model, requests, prompt_tokens AS promptTokens,
       cached_tokens AS cachedTokens, first_seen AS firstSeen, last_seen AS lastSeen
     FROM session_totals WHERE ${where}
     ORDER BY ${asFloat('cached_tokens')} / prompt_tokens, prompt_tokens DESC, session_affinity, api_key, model
     LIMIT ${LIMIT}`,
  );
  const labelOf = await apiKeyLabels(db);
  return {
    rows: rows.map((r) => ({ ...r, label: labelOf(r.apiKey).label, hitRate: r.cachedTokens / r.promptTokens })),
    ignoredFilters: UNSUPPORTED.filter((k) => filters[k].length > 0),
  };
}
