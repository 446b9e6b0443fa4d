// Prices, price books and re-pricing on PostgreSQL (a throwaway cluster, test/support/postgres.ts),
// through the same functions as on SQLite: the same operations on both engines give the same price
// table, searches, audit entries, stored costs and rollups, to the pico-dollar.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { PostgresDatabase } from '@/db/client-pg';
import type { MeterDb } from '@/db/database';
import { requests, type NewRequestRow, type PriceRecord } from '@/db/schema';
import { pgRows } from '@/lib/analytics/engine/dialect';
import { audited, listAuditLog, type AuditEntry } from '@/lib/audit/audit-log';
import { catalogKey, loadCatalog } from '@/lib/pricing/catalog';
import { EXACT_MONEY_TASK, runExactMoneyBackfill } from '@/lib/pricing/exact-money-backfill';
import { PriceBook, reloadPriceBooks } from '@/lib/pricing/price-book';
import { addPrice, CatalogPriceError, correctPrice, deletePrice, DuplicatePriceError, listPrices, markCurrent, newPriceSchema, priceWarnings } from '@/lib/pricing/price-table';
import { REPRICE_LOCK_KEY, reprice, RepriceBusyError, repriceRunning, repriceSchema } from '@/lib/pricing/reprice';
import { currentRepriceJob, startRepriceJob } from '@/lib/pricing/reprice-job';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { newRecordId } from '@/lib/recorder/record-id';
import { requestRow } from '@/lib/recorder/request-row';
import { writeBatchPg } from '@/lib/recorder/pg-batch-writer';
import { applyRollups } from '@/lib/rollups/apply';
import { syntheticCalls } from '@/lib/seed/synthetic-calls';
import { usePostgresDatabases } from '../support/postgres-databases';
import { assertPgRollupsMatchRaw, assertSameRollups } from '../support/postgres-rollups';
import { assertRollupsMatchRaw } from '../support/rollups';

const M = 'accounts/fireworks/models/';
const END = Date.UTC(2026, 10, 20);
const actor = { role: 'admin' as const };
const catalog = loadCatalog();
const shipped = new Set(catalog.map(catalogKey));
const isShipped = (row: PriceRecord) => shipped.has(catalogKey(row));

const price = (over: Record<string, string>) =>
  newPriceSchema.parse({ servingPath: 'standard', region: 'global', inputUsdPerMtok: '2', cachedInputUsdPerMtok: '0.2', outputUsdPerMtok: '8', effectiveFrom: '2026-01-01', ...over });

function sqliteDatabase(): Db {
  return openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pg-pricing-')), 'meter.db'));
}

/** An audit entry without when and its id, which differ between the two databases. */
const entry = ({ action, target, before, after, role }: AuditEntry) => ({ action, target, before, after, role });

describe('prices and re-pricing on PostgreSQL', () => {
  const databases = usePostgresDatabases('pricing');
  const sqlites: Db[] = [];

  /** A fresh migrated database on the cluster (optionally ordering text as en-US does), and `pools` pools on it. */
  const freshDatabase = async (pools = 1, { collation = 'C' as 'C' | 'en-US' } = {}) =>
    (await databases.fresh(pools, { create: collation === 'C' ? undefined : (name) => `CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'` })).pools;

  after(() => {
    for (const db of sqlites) db.$client.close();
  });

  it('seeds the catalog once when replicas start together, and nothing at the next start', async () => {
    const pools = await freshDatabase(3);
    const inserted = await Promise.all(pools.map((p) => seedPriceCatalog(p.db, catalog)));
    assert.equal(inserted.reduce((a, b) => a + b, 0), catalog.length, `${inserted.join(' + ')} rows inserted`);
    const [{ n, distinct }] = await pgRows<{ n: number; distinct: number }>(
      pools[0]!.pool,
      'SELECT count(*) AS n, count(DISTINCT (model, serving_path, region, effective_from)) AS distinct FROM prices',
      [],
    ) as [{ n: number; distinct: number }];
    assert.deepEqual({ n, distinct }, { n: catalog.length, distinct: catalog.length });
    assert.deepEqual(await Promise.all(pools.map((p) => seedPriceCatalog(p.db, catalog))), [0, 0, 0]);
  });

  it('adds, corrects and deletes prices through audited as Settings does: the same rows, searches, order, warnings and audit entries as SQLite', async () => {
    const [pg] = await freshDatabase(1, { collation: 'en-US' });
    const sqlite = sqliteDatabase();
    sqlites.push(sqlite);
    const both: MeterDb[] = [sqlite, pg!.db];
    for (const db of both) {
      await seedPriceCatalog(db, catalog);
      // names a byte order and en-US order put differently (upper case, punctuation)
      for (const model of ['accounts/x/models/Zeta', 'accounts/x/models/alpha', 'accounts/x/models/a-b', 'accounts/x/models/ab', 'accounts/x/models/a_b']) {
        await audited(db, actor, { action: 'price.add', target: model, before: null, apply: (tx) => addPrice(tx, price({ model, source: `Added for ${model.slice(-4)} 50%_off` })) });
      }
      const typo = price({ model: `${M}kimi-k3`, inputUsdPerMtok: '300', cachedInputUsdPerMtok: '0.3', outputUsdPerMtok: '15', effectiveFrom: '2026-12-01' });
      assert.deepEqual((await priceWarnings(db, typo)).map((w) => w.code), ['price_jump', 'unseen_model']);
      const added = await audited(db, actor, { action: 'price.add', target: 'kimi', before: null, apply: (tx) => addPrice(tx, typo) });
      const fix = { ...typo, inputUsdPerMtok: 3_200_000 };
      assert.deepEqual((await priceWarnings(db, fix, added.id)).map((w) => w.code), ['unseen_model'], 'a correction is not compared with itself');
      const fixed = await audited(db, actor, { action: 'price.correct', target: String(added.id), before: added, apply: (tx) => correctPrice(tx, added.id, fix) });
      assert.equal(fixed.inputMicrosPerMtok, 3_200_000);
      // refused changes leave neither the row nor an audit entry
      const entries = (await listAuditLog(db)).length;
      await assert.rejects(audited(db, actor, { action: 'price.add', target: 'again', before: null, apply: (tx) => addPrice(tx, fix) }), DuplicatePriceError);
      await assert.rejects(
        audited(db, actor, { action: 'price.correct', target: String(added.id), before: fixed, apply: (tx) => correctPrice(tx, added.id, { ...fix, effectiveFrom: '2026-09-01' }) }),
        DuplicatePriceError,
      );
      const shippedRow = (await listPrices(db, { q: 'models/kimi-k3' })).find((p) => p.model === `${M}kimi-k3` && p.effectiveFrom === '2026-09-01' && p.servingPath === 'standard')!;
      await assert.rejects(audited(db, actor, { action: 'price.delete', target: String(shippedRow.id), before: shippedRow, apply: (tx) => deletePrice(tx, shippedRow.id, isShipped) }), CatalogPriceError);
      assert.equal((await listAuditLog(db)).length, entries);
      const gone = (await listPrices(db, { q: 'models/ab' }))[0]!;
      assert.equal((await audited(db, actor, { action: 'price.delete', target: String(gone.id), before: gone, apply: (tx) => deletePrice(tx, gone.id, isShipped) })).id, gone.id);
    }
    const [onSqlite, onPg] = [sqlite, pg!.db];
    const all = await listPrices(onSqlite, { q: '' });
    for (const q of ['', 'KIMI-K3', 'Fast', 'us', 'x/models/a', '50%_OFF', '%', '_', 'nothing-like-this']) {
      const want = await listPrices(onSqlite, { q });
      assert.deepEqual(await listPrices(onPg, { q }), want, `search "${q}"`);
      // any case; LIKE's wildcards taken literally
      assert.deepEqual(want, all.filter((p) => [p.model, p.servingPath, p.region, p.source].some((v) => v.toLowerCase().includes(q.toLowerCase()))), `search "${q}" on SQLite`);
    }
    assert.ok((await listPrices(onPg, { q: '%' })).length < all.length, '% is no wildcard');
    assert.deepEqual(
      (await listPrices(onPg, { q: 'x/models/' })).map((p) => p.model.slice('accounts/x/models/'.length)),
      ['Zeta', 'a-b', 'a_b', 'alpha'],
      'ordered by bytes, as SQLite orders them, on a database whose collation would put alpha first',
    );
    assert.deepEqual(markCurrent(await listPrices(onPg, { q: 'kimi' }), '2026-12-05'), markCurrent(await listPrices(onSqlite, { q: 'kimi' }), '2026-12-05'));
    assert.deepEqual((await listAuditLog(onPg)).map(entry), (await listAuditLog(onSqlite)).map(entry));
    assert.equal((await listAuditLog(onPg)).length, 8);
  });

  it('two price books on two pools: a change through one is priced by its own book at once, and by the other after its refresh', async () => {
    const [a, b] = await freshDatabase(2);
    await seedPriceCatalog(a!.db, catalog);
    const [bookA, bookB] = await Promise.all([PriceBook.start(a!.db, { refreshMs: 50 }), PriceBook.start(b!.db, { refreshMs: 50 })]);
    try {
      const q = { model: 'accounts/x/models/new', servingPath: 'standard' as const, region: 'global' as const, at: new Date('2026-06-01T00:00:00Z') };
      const tokens = { promptTokens: 1_000_000, cachedPromptTokens: 0, completionTokens: 0 };
      const cost = (book: PriceBook) => book.price(q, tokens).cost?.totalPico ?? null;
      /** The book's cost once it moved away from `was`, and how long that took. */
      const changed = async (book: PriceBook, was: number | null) => {
        const started = Date.now();
        while (cost(book) === was && Date.now() - started < 5000) await sleep(10);
        return { cost: cost(book), ms: Date.now() - started };
      };
      assert.equal(cost(bookA), null, 'unpriced at first');
      const row = await audited(a!.db, actor, { action: 'price.add', target: q.model, before: null, apply: (tx) => addPrice(tx, price({ model: q.model, inputUsdPerMtok: '2' })) });
      await reloadPriceBooks(a!.db); // what the route does after the change
      assert.equal(cost(bookA), 2_000_000_000_000, 'the replica that made the change prices with it at once');
      const seen = await changed(bookB, null);
      assert.equal(seen.cost, 2_000_000_000_000, 'the other replica, after its refresh');
      assert.ok(seen.ms < 2000, `${seen.ms} ms`);
      // a correction in place keeps the count and the newest id: the change counter carries it
      await audited(b!.db, actor, { action: 'price.correct', target: String(row.id), before: row, apply: (tx) => correctPrice(tx, row.id, price({ model: q.model, inputUsdPerMtok: '0.2' })) });
      await reloadPriceBooks(b!.db);
      assert.equal(cost(bookB), 200_000_000_000);
      assert.equal((await changed(bookA, 2_000_000_000_000)).cost, 200_000_000_000);
      await audited(a!.db, actor, { action: 'price.delete', target: String(row.id), before: row, apply: (tx) => deletePrice(tx, row.id, isShipped) });
      assert.equal((await changed(bookB, 200_000_000_000)).cost, null, 'a deleted row prices nothing');
    } finally {
      bookA.stop();
      bookB.stop();
    }
  });

  describe('re-pricing', () => {
    let sqlite: Db;
    let pg: PostgresDatabase;

    /** The same calls recorded on both engines (SQLite's rollups by applyRollups, PostgreSQL's by its batch writer). */
    before(async () => {
      sqlite = sqliteDatabase();
      sqlites.push(sqlite);
      [pg] = (await freshDatabase()) as [PostgresDatabase];
      for (const db of [sqlite, pg.db]) await seedPriceCatalog(db, catalog);
      assert.deepEqual(await listPrices(pg.db, { q: '' }), await listPrices(sqlite, { q: '' }), 'the same price ids on both');
      const book = await PriceBook.load(sqlite);
      const rows: NewRequestRow[] = [...syntheticCalls({ requests: 2400, days: 3, end: END, seed: 5 })].map((call) => ({
        ...requestRow(call, book.price({ model: call.facts.model, servingPath: call.facts.servingPath, region: call.facts.region, at: new Date(call.startedAt) }, call.usage)),
        recordId: newRecordId(),
      }));
      for (let i = 0; i < rows.length; i += 400) {
        const batch = rows.slice(i, i + 400);
        sqlite.$client.transaction(() => {
          const ids = sqlite.insert(requests).values(batch).returning({ id: requests.id }).all();
          applyRollups(sqlite.$client, ids[0]!.id, ids.at(-1)!.id);
        })();
        await writeBatchPg(pg.pool, batch);
      }
      await assertSameRollups(sqlite, pg.pool);
    });

    /** Every call's price row and cost columns, by record id. */
    const COSTS = 'SELECT record_id, price_id, cost_input_pico, cost_cached_input_pico, cost_output_pico, cost_total_pico, cache_savings_pico, standard_cost_pico FROM requests';
    const byRecord = (rows: Record<string, unknown>[]) => rows.sort((x, y) => (String(x.record_id) < String(y.record_id) ? -1 : 1));
    const sqliteCosts = () => byRecord(sqlite.$client.prepare(COSTS).all() as Record<string, unknown>[]);
    const pgCosts = async () => byRecord(await pgRows<Record<string, unknown>>(pg.pool, COSTS, []));

    it('re-prices a range cutting hours, page by page, to the same stored costs and rollups as SQLite, to the pico-dollar', async () => {
      for (const db of [sqlite, pg.db]) {
        // a new dated row part way through, a price for the model no row priced, a correction in place
        await addPrice(db, price({ model: `${M}kimi-k3`, inputUsdPerMtok: '4.000002', cachedInputUsdPerMtok: '0.400002', outputUsdPerMtok: '16.000002', effectiveFrom: '2026-11-19' }));
        await addPrice(db, price({ model: `${M}some-unlisted-model`, inputUsdPerMtok: '0.123456', cachedInputUsdPerMtok: '0.012346', outputUsdPerMtok: '0.654322' }));
        const glm = markCurrent(await listPrices(db, { q: 'models/glm-5p2' }), '2026-11-20').find((p) => p.current && p.model === `${M}glm-5p2` && p.servingPath === 'standard' && p.region === 'global')!;
        await correctPrice(db, glm.id, price({ model: glm.model, inputUsdPerMtok: '1.234568', cachedInputUsdPerMtok: '0.123458', outputUsdPerMtok: '4.56789', effectiveFrom: glm.effectiveFrom, source: glm.source }));
      }
      const request = repriceSchema.parse({ from: '2026-11-17T05:17:31.123Z', to: '2026-11-19T21:42:00.000Z', apply: true });
      const preview = await reprice(pg.db, { ...request, apply: false }, { pageSize: 97 });
      assert.deepEqual(preview, await reprice(sqlite, { ...request, apply: false }, { pageSize: 101 }), 'the preview');
      assert.deepEqual(await pgCosts(), sqliteCosts(), 'a preview writes nothing');

      const want = await reprice(sqlite, request, { pageSize: 97 });
      const got = await reprice(pg.db, request, { pageSize: 97 });
      assert.deepEqual(got, want);
      assert.deepEqual(got, { ...preview, applied: true });
      assert.ok(want.totals.changed > 300 && want.totals.becomePriced > 0, `${want.totals.changed} calls changed, ${want.totals.becomePriced} became priced`);
      assert.notEqual(want.totals.oldUsd, want.totals.newUsd);
      assert.deepEqual(await pgCosts(), sqliteCosts(), 'every call\'s price row and costs');
      await assertSameRollups(sqlite, pg.pool);
      assertRollupsMatchRaw(sqlite);
      await assertPgRollupsMatchRaw(pg.pool);
      assert.equal((await reprice(pg.db, { ...request, apply: false })).totals.changed, 0, 'nothing left to change');
    });

    it('applies one re-pricing at a time across replicas; the job on PostgreSQL writes its audit entry', async () => {
      // the row added by the test above, corrected again
      const kimi = (await listPrices(pg.db, { q: 'models/kimi-k3' })).find((p) => p.model === `${M}kimi-k3` && p.effectiveFrom === '2026-11-19')!;
      await correctPrice(pg.db, kimi.id, price({ model: kimi.model, inputUsdPerMtok: '5', cachedInputUsdPerMtok: '0.5', outputUsdPerMtok: '20', effectiveFrom: '2026-11-19' }));
      const request = { ...repriceSchema.parse({ from: '2026-11-19T00:00:00Z', to: '2026-11-20T00:00:00Z', apply: true }), apply: true as const };
      // another replica applying one: it holds the advisory lock on its own connection
      const other = await pg.pool.connect();
      try {
        await other.query('SELECT pg_advisory_lock($1)', [REPRICE_LOCK_KEY.toString()]);
        await assert.rejects(startRepriceJob(pg.db, actor, request, 0), RepriceBusyError);
        await assert.rejects(reprice(pg.db, request), RepriceBusyError);
        assert.equal(repriceRunning(), false, 'refused, and nothing left claimed in this process');
        await other.query('SELECT pg_advisory_unlock($1)', [REPRICE_LOCK_KEY.toString()]);
      } finally {
        other.release();
      }
      const job = await startRepriceJob(pg.db, actor, request, 0);
      await assert.rejects(startRepriceJob(pg.db, actor, request, 0), RepriceBusyError, 'one at a time in the process too');
      while (currentRepriceJob()!.state === 'running') await sleep(10);
      assert.equal(currentRepriceJob()!.id, job.id);
      assert.equal(currentRepriceJob()!.state, 'done', currentRepriceJob()!.error ?? '');
      assert.ok(currentRepriceJob()!.result!.totals.changed > 0);
      const [audit] = await listAuditLog(pg.db);
      assert.equal(audit!.action, 'history.reprice');
      assert.deepEqual(audit!.after, { costUsd: job.result!.totals.newUsd, changed: job.result!.totals.changed });
      await assertPgRollupsMatchRaw(pg.pool);
      // the lock went with the run: another connection takes it at once
      const next = await pg.pool.connect();
      try {
        assert.deepEqual((await next.query('SELECT pg_try_advisory_lock($1) AS locked', [REPRICE_LOCK_KEY.toString()])).rows, [{ locked: true }]);
        await next.query('SELECT pg_advisory_unlock_all()');
      } finally {
        next.release();
      }
    });

    it('the exact-money backfill: nothing to do on a fresh database; asked for, it re-prices every call once, rollups with them', async () => {
      const [fresh] = await freshDatabase();
      const log: string[] = [];
      await runExactMoneyBackfill(fresh!.db, { log: (m) => log.push(m) });
      assert.equal(log.length, 0);
      // the prices changed since the calls were recorded (the tests above): the backfill brings every call to today's table
      await pg.pool.query('INSERT INTO maintenance_tasks (name, requested_at) VALUES ($1, $2)', [EXACT_MONEY_TASK, Date.now()]);
      await runExactMoneyBackfill(pg.db, { log: (m) => log.push(m) });
      assert.match(log.at(-1)!, /^Re-priced \d+ of 2400 stored calls exactly/);
      assert.deepEqual(await pgRows(pg.pool, 'SELECT name FROM maintenance_tasks', []), []);
      await assertPgRollupsMatchRaw(pg.pool);
      assert.equal((await reprice(pg.db, { from: new Date(0), to: new Date(8.64e15), apply: false })).totals.changed, 0);
    });
  });
});
