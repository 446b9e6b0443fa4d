import type Database from 'better-sqlite3';
import { CACHED_ENDPOINTS } from '@/lib/usage/endpoints';
import { MINUTE_MS, USAGE_ROLLUPS, usageRollupUpsert } from './definition';
import { lowestOf, rateLimitHourlyUpsert, rawReportedSelect, REPORTED_COLUMNS, reportedUpsert } from './rate-limit-peaks';
import { SQLITE_TEXT, type RollupText } from './text-dialect';

// the session rollup holds sessions of endpoints with a prompt cache only ("Sessions that miss the cache")
export const SESSION_ENDPOINTS = `endpoint IN (${CACHED_ENDPOINTS.map((e) => `'${e}'`).join(', ')})`;

/**
 * Every rollup statement, in the order they run, for the raw rows matching `where`: SQLite's
 * applyRollups below passes `id BETWEEN ? AND ?`, PostgreSQL's batch writer (lib/recorder/pg-batch-writer.ts)
 * `id = ANY($1)` with PG_TEXT.
 */
export function rollupStatements(where: string, d: RollupText = SQLITE_TEXT): string[] {
  const c = (table: string) => (column: string) => d.current(table, column);
  const m = c('rate_limit_minutely');
  const s = c('session_totals');
  const lowestLimit = (column: string) => lowestOf('rate_limit_minutely', column, d);
  return [
    ...Object.values(USAGE_ROLLUPS).map((rollup) => usageRollupUpsert(rollup, where, '+', d)),
    // A minute's figures must only grow (the hourly peaks rely on it): a zero limit counts as unknown,
    // as the page already reads it, and a call never adds negative uncached tokens.
    `
    INSERT INTO rate_limit_minutely (minute_start, model, api_key, requests, rate_limited, overloaded, prompt_tokens,
      uncached_prompt_tokens, generated_tokens, limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, ${REPORTED_COLUMNS.join(', ')})
    SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS}, model, api_key, count(*), ${d.count('status = 429')}, ${d.count('status = 503')},
      coalesce(sum(prompt_tokens), 0), coalesce(sum(${d.greatest('prompt_tokens - coalesce(cached_prompt_tokens, 0)', '0')}), 0), coalesce(sum(completion_tokens), 0),
      min(nullif(limit_prompt_tpm, 0)), min(nullif(limit_uncached_prompt_tpm, 0)), min(nullif(limit_generated_tpm, 0)), ${rawReportedSelect(d)}
    FROM requests WHERE ${where} GROUP BY 1, 2, 3${d.orderBy(['minute_start', 'model', 'api_key'])}
    ${d.onConflict(['minute_start', 'model', 'api_key'])} requests = ${m('requests')} + excluded.requests, rate_limited = ${m('rate_limited')} + excluded.rate_limited,
      overloaded = ${m('overloaded')} + excluded.overloaded, prompt_tokens = ${m('prompt_tokens')} + excluded.prompt_tokens,
      uncached_prompt_tokens = ${m('uncached_prompt_tokens')} + excluded.uncached_prompt_tokens,
      generated_tokens = ${m('generated_tokens')} + excluded.generated_tokens,
      ${lowestLimit('limit_prompt_tpm')}, ${lowestLimit('limit_uncached_prompt_tpm')}, ${lowestLimit('limit_generated_tpm')}, ${reportedUpsert('rate_limit_minutely', d)}`,
    rateLimitHourlyUpsert(where, d), // after the minutes: it reads their current totals
    `
    INSERT INTO session_totals (session_affinity, api_key, model, requests, prompt_tokens, cached_tokens, first_seen, last_seen)
    SELECT session_affinity, api_key, model, count(*), coalesce(sum(prompt_tokens), 0), coalesce(sum(cached_prompt_tokens), 0),
      min(started_at), max(started_at)
    FROM requests WHERE ${where} AND session_affinity IS NOT NULL AND ${SESSION_ENDPOINTS} GROUP BY 1, 2, 3${d.orderBy(['session_affinity', 'api_key', 'model'])}
    ${d.onConflict(['session_affinity', 'api_key', 'model'])} requests = ${s('requests')} + excluded.requests, prompt_tokens = ${s('prompt_tokens')} + excluded.prompt_tokens,
      cached_tokens = ${s('cached_tokens')} + excluded.cached_tokens, first_seen = ${d.least(s('first_seen'), 'excluded.first_seen')},
      last_seen = ${d.greatest(s('last_seen'), 'excluded.last_seen')}`,
  ];
}

const STATEMENTS = rollupStatements('id BETWEEN ? AND ?');

const prepared = new WeakMap<Database.Database, Database.Statement[]>();

/** Adds raw rows with ids in [firstId, lastId] to every rollup. Call inside the transaction that inserted them. */
export function applyRollups(sqlite: Database.Database, firstId: number, lastId: number): void {
  let statements = prepared.get(sqlite);
  if (!statements) {
    statements = STATEMENTS.map((sql) => sqlite.prepare(sql));
    prepared.set(sqlite, statements);
  }
  for (const statement of statements) statement.run(firstId, lastId);
}
