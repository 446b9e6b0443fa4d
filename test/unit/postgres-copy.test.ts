// scripts/copy-to-postgres.ts on a throwaway cluster (test/support/postgres.ts): a seeded SQLite
// database, with a row in every table and awkward values, copied into a PostgreSQL database that a
// first start had already given a price catalog; every table then equals SQLite's row for row, a
// second copy into it refuses, and ids generated afterwards follow the copied ones.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openMeterDatabase, orm, tablesOf, type OpenedDatabase } from '@/db/database';
import type { PgDb } from '@/db/client-pg';
import * as lite from '@/db/schema';
import { pgRows } from '@/lib/analytics/engine/dialect';
import { loadCatalog } from '@/lib/pricing/catalog';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { seedHistory } from '@/lib/seed/seed-history';
import { copiedTables, copyToPostgres, CopyRefused, type CopyReport } from '../../scripts/copy-to-postgres';
import { startPostgres, type TestPostgres } from '../support/postgres';
import { assertPgRollupsMatchRaw, freshSqlite } from '../support/postgres-rollups';

const AT = Date.UTC(2026, 10, 20);
// quotes, backslashes, braces, commas and a text that reads NULL: all are array-literal syntax
const AWKWARD = 'a=b,"c"=\\d,{e}, é ✓';
const BEYOND_2_53 = '9007199254740993';

/** A row in each table the seed leaves empty, so every table's copy is checked on something. */
async function fillTheRest(db: Awaited<ReturnType<typeof freshSqlite>>['db']): Promise<void> {
  await orm(db).insert(lite.apiKeyLabels).values({ apiKey: 'fp_copy', label: AWKWARD, team: null, updatedAt: AT });
  await orm(db).insert(lite.sessions).values({ secretHash: 'hash', role: 'viewer', createdAt: AT, expiresAt: AT + 1, lastSeenAt: AT, revokedAt: null, clientAddress: '127.0.0.1', userAgent: AWKWARD });
  await orm(db).insert(lite.auditLog).values({ at: AT, role: 'admin', sessionId: 1, action: 'budget.create', target: 'budget:1', beforeJson: null, afterJson: '{"name":"x\\"y"}' });
  await orm(db).insert(lite.journalMarks).values({ journal: 'copy-test', segment: 3, offset: 4096, updatedAt: AT }).onConflictDoNothing();
  await orm(db).insert(lite.maintenanceTasks).values({ name: 'reprice', requestedAt: AT });
  const budget = { scopeJson: '{}', period: 'month', timeZone: 'UTC', amountUsd: '100.00', thresholdsJson: '[50,80]', action: 'alert', channelsJson: '[]', createdAt: AT, updatedAt: AT };
  await orm(db).insert(lite.budgets).values([{ ...budget, name: AWKWARD }, { ...budget, name: 'NULL' }]);
  await orm(db).insert(lite.alertEvents).values({ id: 'evt-1', type: 'budget.threshold', budgetId: 1, at: AT, bodyJson: '{}', acknowledgedAt: null });
  await orm(db).insert(lite.alertDeliveries).values({ eventId: 'evt-1', channelJson: '{"type":"webhook"}', attempts: 2, nextAttemptAt: AT + 60_000, deliveredAt: null, lastError: AWKWARD });
  await orm(db).insert(lite.settings).values({ key: 'copy:test', valueJson: '"NULL"', updatedAt: AT });
  await orm(db).insert(lite.watchEpisodes).values({ watch: 'error-rate', subject: 'model:x', startedAt: AT, clearedAt: null });
  // columns no rollup reads, so the rollups still match the raw rows
  db.$client.prepare(`UPDATE requests SET tags = ?, "user" = 'NULL', header_prompt_tokens = ${BEYOND_2_53} WHERE id = 7`).run(AWKWARD);
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

describe('copying a SQLite database into PostgreSQL', () => {
  let cluster: TestPostgres;
  let sqlite: Awaited<ReturnType<typeof freshSqlite>>;
  let target: OpenedDatabase;
  let url: string;
  let report: CopyReport;
  const log: string[] = [];

  before(async () => {
    cluster = await startPostgres();
    sqlite = await freshSqlite();
    await seedHistory(sqlite.db, { requests: 3000, days: 3, seed: 1 });
    await fillTheRest(sqlite.db);
    const admin = await openMeterDatabase(cluster.url);
    await (admin.db as PgDb).$client.query('CREATE DATABASE copy_target');
    await admin.close();
    url = cluster.url.replace(/\/postgres$/, '/copy_target');
    // As a first start would leave it: migrated, the catalog seeded (in another order, so other ids), no calls.
    target = await openMeterDatabase(url);
    await seedPriceCatalog(target.db, [...loadCatalog()].reverse());
    report = await copyToPostgres(`file:${path.join(sqlite.dir, 'meter.db')}`, url, { log: (l) => log.push(l), batchRows: 700 });
  });

  after(async () => {
    await target?.close();
    sqlite?.dispose();
    await cluster?.stop();
  });

  it('copies every table row for row, awkward text and 64-bit integers exactly', async () => {
    const pool = (target.db as PgDb).$client;
    const tables = copiedTables();
    // every table of the SQLite file but drizzle's and SQLite's own bookkeeping; nothing PostgreSQL-only
    const inFile = sqlite.db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('__drizzle_migrations', 'sqlite_sequence') ORDER BY name").pluck().all();
    assert.deepEqual(tables.map((t) => t.name).sort(), inFile);
    for (const table of tables) {
      const select = `SELECT ${quoted(table.columns.map((c) => c.name))} FROM "${table.name}" ORDER BY ${quoted(table.primaryKey)}`;
      const expected = sqlite.db.$client.prepare(select).all();
      assert.ok(expected.length > 0, `${table.name} has rows on SQLite`);
      assert.deepEqual(await pgRows(pool, select, []), expected, table.name);
      assert.equal(report.tables.find((t) => t.name === table.name)?.rows, expected.length);
    }
    const [odd] = await pgRows<Record<string, unknown>>(pool, 'SELECT tags, "user", header_prompt_tokens::text AS r FROM requests WHERE id = 7', []);
    assert.deepEqual(odd, { tags: AWKWARD, user: 'NULL', r: BEYOND_2_53 });
    const { s } = sqlite.db.$client.prepare('SELECT CAST(sum(cost_total_pico) AS TEXT) AS s FROM requests').get() as { s: string };
    assert.equal(report.costTotalPico, s);
    assert.equal(report.rows, report.tables.reduce((n, t) => n + t.rows, 0));
    await assertPgRollupsMatchRaw(pool);
    assert.ok(log.some((l) => /replacing .*prices \(\d+\)/.test(l)), 'says it replaced the catalog a first start wrote');
    assert.ok(log.some((l) => /rows\/s/.test(l)));
  });

  it('refuses a second copy into the target, which now holds calls, and leaves it as it was', async () => {
    await assert.rejects(copyToPostgres(`file:${path.join(sqlite.dir, 'meter.db')}`, url, { log: () => {} }), (error: unknown) => {
      assert.ok(error instanceof CopyRefused);
      assert.match(error.message, /already holds 3,000 calls/);
      return true;
    });
    const [counted] = await pgRows<{ n: number }>((target.db as PgDb).$client, 'SELECT count(*) AS n FROM requests', []);
    assert.equal(counted!.n, 3000);
  });

  it('gives rows inserted afterwards ids above the copied ones', async () => {
    const { requests, budgets } = tablesOf(target.db);
    const [call] = await orm(target.db)
      .insert(requests)
      .values({ startedAt: AT, durationMs: 1, endpoint: 'chat/completions', model: 'm', servingPath: 'standard', region: 'global', stream: false, status: 200, apiKey: 'fp' })
      .returning({ id: requests.id });
    assert.equal(call!.id, 3001);
    const [budget] = await orm(target.db)
      .insert(budgets)
      .values({ name: 'after', scopeJson: '{}', period: 'day', timeZone: 'UTC', amountUsd: '1', thresholdsJson: '[]', action: 'alert', channelsJson: '[]', createdAt: AT, updatedAt: AT })
      .returning({ id: budgets.id });
    assert.equal(budget!.id, 3);
    const pool = (target.db as PgDb).$client;
    for (const table of copiedTables().filter((t) => t.identity)) {
      const [{ next, top }] = (await pgRows<{ next: number; top: number }>(pool, `SELECT nextval(pg_get_serial_sequence('"${table.name}"', '${table.identity}')) AS next, (SELECT max("${table.identity}") FROM "${table.name}") AS top`, [])) as [{ next: number; top: number }];
      assert.ok(next > top, `${table.name}: next id ${next} after ${top}`);
    }
  });
});
