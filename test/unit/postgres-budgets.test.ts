// Budgets on PostgreSQL (a throwaway cluster, test/support/postgres.ts), where replicas write at
// the same time and their request ids commit out of order: the monitor follows recorded_batches
// with snapshots and counts every call once; a budget one replica holds is used up by calls
// another records; two replicas sending the outbox send each alert once; the budget API and views.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { PostgresDatabase } from '@/db/client-pg';
import type { MeterDb } from '@/db/database';
import type { NewRequestRow } from '@/db/schema';
import { addBudget, changeBudget, removeBudget } from '@/lib/budgets/budget-api';
import { budgetInputSchema } from '@/lib/budgets/budget-schema';
import { budgetViews } from '@/lib/budgets/budget-view';
import { BudgetMonitor } from '@/lib/budgets/monitor';
import { acknowledge, deliverDue, inbox, raiseEvent } from '@/lib/budgets/outbox';
import { watchEventBody } from '@/lib/budgets/payload';
import { createBudget, listBudgets, replaceBudget } from '@/lib/budgets/store';
import { setRuntime, type MeterRuntime } from '@/lib/runtime';
import { writeBatchPg } from '@/lib/recorder/pg-batch-writer';
import { requestFacts } from '../support/request-facts-for-budgets';
import { usePostgresDatabases } from '../support/postgres-databases';

const USD = 1_000_000_000_000;
const now = Date.UTC(2026, 11, 1, 12);
const quiet = { followMs: 3_600_000, resyncMs: 3_600_000, forecastMs: 3_600_000, deliverMs: 3_600_000, watchMs: 3_600_000 };
const monitorOn = (db: MeterDb, options: Partial<typeof quiet> = {}) =>
  new BudgetMonitor(db, { now: () => now, baseUrl: () => 'http://meter', delivery: { emailFrom: 'meter@localhost' }, log: (m) => console.log(m), ...options });

let calls = 0;
const call = (pico: number, over: Partial<NewRequestRow> = {}): NewRequestRow => ({
  startedAt: now - 60_000 + ++calls, durationMs: 5, endpoint: 'chat/completions', model: 'm', servingPath: 'standard', region: 'global', stream: false,
  status: 200, apiKey: 'k1', team: 'search', upstreamId: `c-${calls}`, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: pico, ...over,
});

const searchBudget = (amountUsd: string, action: 'alert' | 'block') =>
  budgetInputSchema.parse({ name: 'Team search', period: 'day', amountUsd, thresholds: [1], action, scope: { team: 'search' } });

const spent = async (monitor: BudgetMonitor) => (await monitor.state())[0]!.spentPico;

/** A batch write held open just before COMMIT (its ids taken, its rows invisible to others) until released. */
function heldWrite(database: PostgresDatabase, rows: NewRequestRow[]) {
  let release!: () => void;
  let inserted!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const ready = new Promise<void>((resolve) => (inserted = resolve));
  const done = writeBatchPg(database.pool, rows, {
    beforeCommit: async () => {
      inserted();
      await released;
    },
  });
  return { ready, release, done };
}

describe('budgets on PostgreSQL', () => {
  const databases = usePostgresDatabases('budgets');
  /** A fresh migrated database and `handles` pools on it (each one replica). */
  const freshDatabase = async (handles: number) => (await databases.fresh(handles)).pools;

  it('counts every call once when two writers commit out of id order, across a load and follows', async () => {
    const [reader, a, b] = await freshDatabase(3);
    await createBudget(reader!.db, searchBudget('1000', 'alert'), now);
    const monitor = monitorOn(reader!.db);

    // a's batch takes its ids first and commits last; the monitor loads while it is open (another
    // model, so b's rollup rows are not the ones a holds locked)
    const early = heldWrite(a!, [call(0.1 * USD, { model: 'm-a' })]);
    await early.ready;
    await monitor.load();
    const late = await writeBatchPg(b!.pool, [call(0.2 * USD, { model: 'm-b' }), call(0.3 * USD, { model: 'm-b' })]);
    await monitor.follow();
    assert.equal(await spent(monitor), BigInt(0.5 * USD), "b's calls, committed; a's still open");
    early.release();
    const first = await early.done;
    assert.ok(first.ids[0]! < late.ids[0]!, `ids committed out of order (${first.ids} after ${late.ids})`);
    await monitor.follow();
    assert.equal(await spent(monitor), BigInt(0.6 * USD), "a's call counted, though its id is below the newest counted");
    await monitor.follow();
    assert.equal(await spent(monitor), BigInt(0.6 * USD), 'following again counts nothing twice');

    // both writers busy at once, batches held open at random, the monitor following throughout
    let expected = 0.6 * USD;
    let writing = true;
    const writer = async (database: PostgresDatabase, seed: number) => {
      for (let i = 0; i < 25; i++) {
        const rows = Array.from({ length: 1 + ((i * seed) % 4) }, (_, j) => call((1 + ((i + j) % 7)) * 1_000_000_007, j % 3 === 2 ? { team: 'other' } : {}));
        expected += rows.filter((r) => r.team === 'search').reduce((s, r) => s + r.costTotalPico!, 0);
        const pause = (i + seed) % 3;
        await writeBatchPg(database.pool, rows, { beforeCommit: () => new Promise((resolve) => setTimeout(resolve, pause)) });
      }
    };
    const following = (async () => {
      let follows = 0;
      while (writing) {
        await monitor.follow();
        follows++;
      }
      return follows;
    })();
    await Promise.all([writer(a!, 3), writer(b!, 5)]);
    writing = false;
    const follows = await following;
    await monitor.follow();
    assert.ok(follows > 5, `followed ${follows} times while writing`);
    assert.equal(await spent(monitor), BigInt(expected), 'every call counted once');
    await monitor.reload();
    assert.equal(await spent(monitor), BigInt(expected), 'the rollups agree');
    await monitor.stop();
  });

  it("refuses through one replica the calls of a block budget it created once another replica's calls use it up", async () => {
    const [here, there] = await freshDatabase(2);
    const monitor = monitorOn(here!.db);
    await monitor.load();
    const budget = await createBudget(here!.db, searchBudget('1', 'block'), now);
    await monitor.reload(); // as the budget API does after a change
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);

    await writeBatchPg(there!.pool, [call(0.6 * USD)]);
    await monitor.followReplicas();
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);
    await writeBatchPg(there!.pool, [call(0.4 * USD), call(5 * USD, { team: 'other' })]);
    await monitor.followReplicas();
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now))?.status, 402);
    assert.equal(monitor.refuse(requestFacts('other'), new Date(now)), null);

    // raised on the other replica: read again at the next look, with the same spend
    await replaceBudget(there!.db, budget.id, { ...searchBudget('2', 'block') }, now);
    await monitor.followReplicas();
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);
    assert.equal(await spent(monitor), BigInt(USD));

    await monitor.stop();

    // on its timer (following every 20 ms here): refused within a follow of the other replica's commit
    const ticking = monitorOn(here!.db, { followMs: 20 });
    await ticking.load();
    ticking.start();
    await writeBatchPg(there!.pool, [call(1 * USD)]);
    const committed = performance.now();
    while (!ticking.refuse(requestFacts('search'), new Date(now))) {
      assert.ok(performance.now() - committed < 5000, 'refused within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    console.log(`refused ${(performance.now() - committed).toFixed(0)} ms after the other replica committed`);
    await ticking.stop();
  });

  it('sends each alert once when two replicas deliver the outbox at the same moment', async () => {
    const [a, b] = await freshDatabase(2);
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      received.push(String(req.headers['x-meter-event-id']));
      req.resume();
      setTimeout(() => res.end('ok'), 20); // slow enough for both replicas to be sending at once
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const due = Date.now();
      for (let i = 0; i < 15; i++) {
        const body = watchEventBody({ id: `errors.rate:account:${i}`, type: 'errors.rate', cleared: false, at: new Date(now), summary: `alert ${i}` }, 'http://meter');
        assert.equal(await raiseEvent(a!.db, body, null, [{ type: 'webhook', url }], due), true);
        assert.equal(await raiseEvent(b!.db, body, null, [{ type: 'webhook', url }], due), false, 'raised once');
      }
      const [byA, byB] = await Promise.all([deliverDue(a!.db, {}, due), deliverDue(b!.db, {}, due)]);
      assert.equal(byA! + byB!, 15, `claimed ${byA} and ${byB}`);
      assert.equal(received.length, 15);
      assert.equal(new Set(received).size, 15, 'no alert sent twice');
      assert.deepEqual(await Promise.all([deliverDue(a!.db, {}, due + 120_000), deliverDue(b!.db, {}, due + 120_000)]), [0, 0], 'nothing left, even past the lease');
      const alerts = await inbox(b!.db);
      assert.equal(alerts.length, 15);
      assert.ok(alerts.every((e) => e.deliveries.length === 1 && e.deliveries[0]!.delivered && e.deliveries[0]!.attempts === 1));
      assert.equal(await acknowledge(b!.db, 'errors.rate:account:3'), true);
      assert.equal(await acknowledge(b!.db, 'no such alert'), false);
      assert.equal((await inbox(a!.db)).find((e) => e.id === 'errors.rate:account:3')?.acknowledged, true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('creates, changes and deletes budgets through the API, audited, with their views', async () => {
    const [database] = await freshDatabase(1);
    const db = database!.db;
    const monitor = monitorOn(db);
    await monitor.load();
    setRuntime({ db, budgets: monitor } as unknown as MeterRuntime);
    await writeBatchPg(database!.pool, [call(0.25 * USD), call(0.5 * USD, { status: 402, costTotalPico: null, budgetId: 1 })]);
    const view = await addBudget(db, { role: 'admin' }, searchBudget('1', 'block'));
    assert.equal(view.id, 1);
    assert.equal(view.spentUsd, '0.250000');
    assert.equal(view.blockedCalls, 1);
    assert.equal(view.status, 'ok');
    const changed = await changeBudget(db, { role: 'admin' }, view.id, searchBudget('0.25', 'block'));
    assert.equal(changed?.status, 'exceeded');
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now))?.status, 402, 'enforced at once');
    assert.deepEqual((await budgetViews(db, monitor)).map((v) => v.amountUsd), ['0.25']);
    assert.equal(await changeBudget(db, { role: 'admin' }, 99, searchBudget('1', 'block')), undefined);
    assert.equal(await removeBudget(db, { role: 'admin' }, view.id), true);
    assert.equal(monitor.refuse(requestFacts('search'), new Date(now)), null);
    assert.deepEqual(await listBudgets(db), []);
    const { rows } = await database!.pool.query<{ action: string }>('SELECT action FROM audit_log ORDER BY id');
    assert.deepEqual(rows.map((r) => r.action), ['budget.create', 'budget.replace', 'budget.delete']);
    await monitor.stop();
  });
});
