// The committed PostgreSQL migrations on a throwaway cluster (test/support/postgres.ts): they create
// every table of db/schema-pg with its primary key, two replicas migrating at once apply them once,
// and bigint columns read back as exact JS numbers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { eq, getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { openPostgres, type PostgresDatabase } from '@/db/client-pg';
import * as pgSchema from '@/db/schema-pg';
import { requests, type NewRequestRow } from '@/db/schema-pg';
import { startPostgres, type TestPostgres } from '../support/postgres';

const tables: PgTable[] = (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));

/** The primary-key columns a table declares, in key order. */
function declaredPrimaryKey(table: PgTable): string[] {
  const config = getTableConfig(table);
  const single = config.columns.filter((c) => c.primary).map((c) => c.name);
  return single.length ? single : config.primaryKeys[0]!.columns.map((c) => c.name);
}

const time = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
  const began = performance.now();
  try {
    return await work();
  } finally {
    console.log(`${label}: ${Math.round(performance.now() - began)} ms`);
  }
};

describe('PostgreSQL schema and migrations', () => {
  let cluster: TestPostgres;
  const opened: PostgresDatabase[] = [];
  const open = (max = 2) => {
    const database = openPostgres(cluster.url, { max });
    opened.push(database);
    return database;
  };

  before(async () => {
    cluster = await time('cluster start (initdb + pg_ctl start)', startPostgres);
  });

  after(async () => {
    await Promise.all(opened.map((d) => d.close()));
    if (cluster) await time('cluster stop', () => cluster.stop());
  });

  it('migrates once when two replicas start together, and again is a no-op', async () => {
    const [a, b] = [open(), open()];
    await time('two concurrent migrations', () => Promise.all([a.migrate(), b.migrate()]));
    const applied = await a.pool.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
    const committed = (JSON.parse(fs.readFileSync('db/migrations-pg/meta/_journal.json', 'utf8')) as { entries: unknown[] }).entries.length;
    assert.ok(committed >= 2);
    assert.equal(Number(applied.rows[0]!.n), committed, 'each committed migration is recorded once');
    await time('migrate with nothing to do', () => b.migrate());
    assert.equal(Number((await a.pool.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]!.n), committed);
    // the advisory lock is released: nothing holds it any more
    const locks = await a.pool.query<{ n: string }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'");
    assert.equal(Number(locks.rows[0]!.n), 0);
  });

  it('creates every table with its primary key', async () => {
    const { pool } = open(1);
    const found = await pool.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    assert.deepEqual(found.rows.map((r) => r.table_name).sort(), tables.map((t) => getTableName(t)).sort());
    const keys = await pool.query<{ table_name: string; column_name: string }>(
      `SELECT k.table_name, k.column_name FROM information_schema.table_constraints c
         JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema
        WHERE c.table_schema = 'public' AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.table_name, k.ordinal_position`,
    );
    for (const table of tables) {
      const name = getTableName(table);
      assert.deepEqual(keys.rows.filter((r) => r.table_name === name).map((r) => r.column_name), declaredPrimaryKey(table), `${name}: primary key`);
    }
  });

  it('creates the expression and partial indexes', async () => {
    const { pool } = open(1);
    const indexes = await pool.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'");
    const def = (name: string) => indexes.rows.find((r) => r.indexname === name)?.indexdef ?? '';
    assert.match(def('requests_hour_user'), /\(\(started_at \/ 3600000\)\), "user"\)/);
    assert.match(def('session_totals_worst_hit_rate'), /\(\(cached_tokens\)::double precision \/ \(prompt_tokens\)::double precision\)\), prompt_tokens DESC\) WHERE \(\(requests >= 2\) AND \(prompt_tokens > 0\)\)/);
    assert.match(def('requests_budget_started_at'), /WHERE \(budget_id IS NOT NULL\)/);
    assert.match(def('requests_record_id'), /^CREATE UNIQUE INDEX/);
  });

  it('stores pico-dollar costs and epoch ms as bigint, read back as exact numbers', async () => {
    const { db } = open(1);
    const cost = 9_000_000_000_000; // $9 in pico-dollars: past 2^32, and past 2^31 many times over
    const startedAt = Date.UTC(2026, 0, 1, 12);
    const row: NewRequestRow = {
      recordId: 'pg-bigint-1',
      startedAt,
      durationMs: 1234,
      endpoint: 'chat/completions',
      model: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
      servingPath: 'standard',
      region: 'global',
      stream: true,
      status: 200,
      apiKey: 'abcd1234…wxyz',
      user: 'someone',
      promptTokens: 3_000_000_000,
      costTotalPico: cost,
      costInputPico: Number.MAX_SAFE_INTEGER,
    };
    const [{ id }] = (await db.insert(requests).values(row).returning({ id: requests.id })) as [{ id: number }];
    assert.equal(typeof id, 'number');
    const [back] = await db.select().from(requests).where(eq(requests.id, id));
    assert.ok(back);
    assert.equal(back.costTotalPico, cost);
    assert.equal(back.costInputPico, Number.MAX_SAFE_INTEGER);
    assert.equal(back.promptTokens, 3_000_000_000);
    assert.equal(back.startedAt, startedAt);
    assert.equal(back.stream, true);
    assert.equal(back.user, 'someone');
    // the same record id again is refused by the unique index, as the recorder's replay relies on
    const again = await db.insert(requests).values(row).onConflictDoNothing().returning({ id: requests.id });
    assert.equal(again.length, 0);
  });
});
