/**
 * For the PostgreSQL recorder: realistic request rows (as bench/recorder.ts makes them), every
 * rollup table read in key order in SQLite's shape, and the PG oracle (each rollup equals a fresh
 * aggregation of the raw rows, grouped as rawFactsSelect does).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { openDatabase, type Db } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { pgRows } from '@/lib/analytics/engine/dialect';
import { loadCatalog } from '@/lib/pricing/catalog';
import { PriceBook } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { newRecordId } from '@/lib/recorder/record-id';
import { requestRow } from '@/lib/recorder/request-row';
import { SESSION_ENDPOINTS } from '@/lib/rollups/apply';
import { MEASURES, MINUTE_MS, USAGE_ROLLUPS, rawFactsSelect, usageRollupKey } from '@/lib/rollups/definition';
import { rawReportedSelect } from '@/lib/rollups/rate-limit-peaks';
import { PG_TEXT } from '@/lib/rollups/text-dialect';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';

/** An empty migrated SQLite database with the price catalog, in a temporary directory. */
export async function freshSqlite(): Promise<{ db: Db; dir: string; dispose(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pgrec-'));
  const db = openDatabase(path.join(dir, 'meter.db'));
  await seedPriceCatalog(db, loadCatalog());
  return {
    db,
    dir,
    dispose() {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Priced synthetic calls as the proxy hands them to the recorder, each with its record id. */
export async function syntheticRows(requests: number, days: number, { end = Date.UTC(2026, 10, 20), seed = 1 } = {}): Promise<NewRequestRow[]> {
  const priceDb = await freshSqlite();
  try {
    const prices = await PriceBook.load(priceDb.db);
    return [...syntheticCalls({ requests, days, end, seed })].map((call) => ({
      ...requestRow(call, prices.price({ model: call.facts.model, servingPath: call.facts.servingPath, region: call.facts.region, at: new Date(call.startedAt) }, call.usage)),
      recordId: newRecordId(),
    }));
  } finally {
    priceDb.dispose();
  }
}

/** Every table the batch write maintains, with its primary key (the order rows are compared in). */
export const ROLLUP_TABLES: Record<string, readonly string[]> = {
  ...Object.fromEntries(Object.values(USAGE_ROLLUPS).map((r) => [r.table, usageRollupKey(r)])),
  rate_limit_minutely: ['minute_start', 'model', 'api_key'],
  rate_limit_hourly: ['api_key', 'hour_start', 'model'],
  session_totals: ['session_affinity', 'api_key', 'model'],
};

/** Column order of each table: SQLite's (PostgreSQL's tables have the same columns, not necessarily in that order). */
function columnsOf(sqlite: Db, table: string): string[] {
  return (sqlite.$client.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
}

export function sqliteTable(sqlite: Db, table: string): Record<string, unknown>[] {
  const columns = columnsOf(sqlite, table);
  return sqlite.$client.prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${ROLLUP_TABLES[table]!.join(', ')}`).all() as Record<string, unknown>[];
}

/** A PostgreSQL table in SQLite's shape (int8 and numeric as numbers, exact below 2^53), in the same column order. */
export async function pgTable(pool: pg.Pool, table: string, columns: readonly string[]): Promise<Record<string, unknown>[]> {
  return pgRows(pool, `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${ROLLUP_TABLES[table]!.join(', ')}`, []);
}

/** Every rollup table on PostgreSQL equals SQLite's, row for row and bit for bit (doubles included). */
export async function assertSameRollups(sqlite: Db, pool: pg.Pool, { mayBeEmpty = [] as string[] } = {}): Promise<void> {
  for (const table of Object.keys(ROLLUP_TABLES)) {
    const expected = sqliteTable(sqlite, table);
    assert.ok(expected.length > 0 || mayBeEmpty.includes(table), `${table} has rows on SQLite`);
    assert.deepEqual(await pgTable(pool, table, columnsOf(sqlite, table)), expected, table);
  }
}

/** Every rollup table, in key order, as a snapshot. */
export async function pgSnapshot(pool: pg.Pool): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of Object.keys(ROLLUP_TABLES)) out[table] = await pgRows(pool, `SELECT * FROM ${table} ORDER BY ${ROLLUP_TABLES[table]!.join(', ')}`, []);
  return out;
}

const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');

/**
 * The PG oracle: each usage rollup, the per-minute rate-limit rollup and the session totals equal a
 * fresh aggregation of the raw rows (grouped by position: PostgreSQL resolves a GROUP BY name as the
 * raw column, and `team` would split NULL from '').
 */
export async function assertPgRollupsMatchRaw(pool: pg.Pool, { withSessions = true } = {}): Promise<void> {
  for (const rollup of Object.values(USAGE_ROLLUPS)) {
    const n = rollup.dimensions.length + 1;
    const fresh = await pgRows(pool, `SELECT ${rawFactsSelect(rollup.bucketMs, rollup.dimensions, PG_TEXT)} FROM requests GROUP BY ${positions(n)} ORDER BY ${positions(n)}`, []);
    const kept = await pgRows(pool, `SELECT ${rollup.timeColumn} AS bucket_start, ${rollup.dimensions.join(', ')}, ${MEASURES.join(', ')} FROM ${rollup.table} ORDER BY ${positions(n)}`, []);
    assert.ok(kept.length > 0, `${rollup.table} has rows`);
    assert.deepEqual(kept, fresh, rollup.table);
  }
  const minuteColumns = 'minute_start, model, api_key, requests, rate_limited, overloaded, prompt_tokens, uncached_prompt_tokens, generated_tokens, limit_prompt_tpm, limit_uncached_prompt_tpm, limit_generated_tpm, reported_prompt_free, reported_uncached_free, reported_generated_free, over_limit';
  const freshMinutes = await pgRows(
    pool,
    `SELECT (started_at / ${MINUTE_MS}) * ${MINUTE_MS} AS minute_start, model, api_key, count(*) AS requests,
      ${PG_TEXT.count('status = 429')} AS rate_limited, ${PG_TEXT.count('status = 503')} AS overloaded, coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
      coalesce(sum(greatest(prompt_tokens - coalesce(cached_prompt_tokens, 0), 0)), 0) AS uncached_prompt_tokens, coalesce(sum(completion_tokens), 0) AS generated_tokens,
      min(nullif(limit_prompt_tpm, 0)) AS limit_prompt_tpm, min(nullif(limit_uncached_prompt_tpm, 0)) AS limit_uncached_prompt_tpm, min(nullif(limit_generated_tpm, 0)) AS limit_generated_tpm,
      ${rawReportedSelect(PG_TEXT)}
    FROM requests GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [],
  );
  assert.deepEqual(await pgRows(pool, `SELECT ${minuteColumns} FROM rate_limit_minutely ORDER BY 1, 2, 3`, []), freshMinutes, 'rate_limit_minutely');
  const freshSessions = await pgRows(
    pool,
    `SELECT session_affinity, api_key, model, count(*) AS requests, coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
        coalesce(sum(cached_prompt_tokens), 0) AS cached_tokens, min(started_at) AS first_seen, max(started_at) AS last_seen
      FROM requests WHERE session_affinity IS NOT NULL AND ${SESSION_ENDPOINTS} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [],
  );
  // synthetic rows always carry sessions; live load through the proxy may carry none
  if (withSessions) assert.ok(freshSessions.length > 0, 'sessions');
  assert.deepEqual(await pgRows(pool, 'SELECT session_affinity, api_key, model, requests, prompt_tokens, cached_tokens, first_seen, last_seen FROM session_totals ORDER BY 1, 2, 3', []), freshSessions, 'session_totals');
}
