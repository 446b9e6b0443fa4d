import type Database from 'better-sqlite3';
import { CACHED_ENDPOINTS } from '@/lib/usage/endpoints';
import { MINUTE_MS, USAGE_ROLLUPS, usageRollupUpsert } from './definition';
import { RATE_LIMIT_HOURLY_UPSERT, RAW_REPORTED_SELECT, REPORTED_COLUMNS, REPORTED_UPSERT } from './rate-limit-peaks';

// the session rollup holds sessions of endpoints with a prompt cache only ("Sessions that miss the cache")
export const SESSION_ENDPOINTS = `endpoint IN (${CACHED_ENDPOINTS.map((e) => `'${e}'`).join(', ')})`;

const lowestLimit = (c: string) => `${c} = min(coalesce(${c}, excluded.${c}), coalesce(excluded.${c}, ${c}))`;

const STATEMENTS = {
  ...Object.fromEntries(Object.entries(USAGE_ROLLUPS).map(([name, rollup]) => [name, usageRollupUpsert(rollup, 'id BETWEEN ? AND ?')])),
  // A minute's figures must only grow (the hourly peaks rely on it): a zero limit counts as unknown,
  // as the page already reads it, and a call never adds negative uncached tokens.
  rateLimits: `
    INSERT INTO rate_limit_minutely (minute_start, model, api_key, requests, rate_limited, overloaded, prompt_tokens,
      uncached_prompt_tokens, generated_tokens, limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, ${REPORTED_COLUMNS.join(', ')})
    SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS}, model, api_key, count(*), sum(status = 429), sum(status = 503),
      coalesce(sum(prompt_tokens), 0), coalesce(sum(max(prompt_tokens - coalesce(cached_prompt_tokens, 0), 0)), 0), coalesce(sum(completion_tokens), 0),
      min(nullif(limit_prompt_tpm, 0)), min(nullif(limit_uncached_prompt_tpm, 0)), min(nullif(limit_generated_tpm, 0)), ${RAW_REPORTED_SELECT}
    FROM requests WHERE id BETWEEN ? AND ? GROUP BY 1, 2, 3
    ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, rate_limited = rate_limited + excluded.rate_limited,
      overloaded = overloaded + excluded.overloaded, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      uncached_prompt_tokens = uncached_prompt_tokens + excluded.uncached_prompt_tokens,
      generated_tokens = generated_tokens + excluded.generated_tokens,
      ${lowestLimit('limit_prompt_tpm')}, ${lowestLimit('limit_uncached_prompt_tpm')}, ${lowestLimit('limit_generated_tpm')}, ${REPORTED_UPSERT}`,
  rateLimitHours: RATE_LIMIT_HOURLY_UPSERT, // after the minutes: it reads their current totals
  sessions: `
    INSERT INTO session_totals (session_affinity, api_key, model, requests, prompt_tokens, cached_tokens, first_seen, last_seen)
    SELECT session_affinity, api_key, model, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(cached_prompt_tokens), 0),
      min(started_at), max(started_at)
    FROM requests WHERE id BETWEEN ? AND ? AND session_affinity IS NOT NULL AND ${SESSION_ENDPOINTS} GROUP BY 1, 2, 3
    ON CONFLICT DO UPDATE SET requests = requests + excluded.requests, prompt_tokens = prompt_tokens + excluded.prompt_tokens,
      cached_tokens = cached_tokens + excluded.cached_tokens, first_seen = min(first_seen, excluded.first_seen),
      last_seen = max(last_seen, excluded.last_seen)`,
};

const prepared = new WeakMap<Database.Database, Database.Statement[]>();

/** Adds raw rows with ids in [firstId, lastId] to every rollup. Call inside the transaction that inserted them. */
export function applyRollups(sqlite: Database.Database, firstId: number, lastId: number): void {
  let statements = prepared.get(sqlite);
  if (!statements) {
    statements = Object.values(STATEMENTS).map((sql) => sqlite.prepare(sql));
    prepared.set(sqlite, statements);
  }
  for (const statement of statements) statement.run(firstId, lastId);
}
