import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import { ADMIN_TOKEN, recordedRows, startMeterProcess, withSimulator } from './harness';
import { runLoad } from './load';
import { ENGINES, testDatabase } from './test-database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const engine of ENGINES) describe(`replicas on one database (${engine})`, () => {
  it('two Meters share one database, each with its own journal; one SIGKILLed under load and restarted: every call once, rollups exact', async () => {
    await withSimulator({}, async (sim) => {
      const db = await testDatabase(engine);
      const a = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_REPLICA_ID: 'replica-a' }, db);
      const b = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_REPLICA_ID: 'replica-b' }, db);
      let again: Awaited<ReturnType<typeof startMeterProcess>> | undefined;
      try {
        let killed = false;
        let stopB = false;
        const loadA = runLoad(a.origin, { concurrency: 10, stop: () => killed });
        const loadB = runLoad(b.origin, { concurrency: 10, stop: () => stopB });
        await sleep(1500);
        killed = true;
        a.child.kill('SIGKILL');
        const doneA = await loadA;
        again = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_REPLICA_ID: 'replica-a' }, db);
        await sleep(500);
        stopB = true;
        const doneB = await loadB;
        const completed = [...doneA.completed, ...doneB.completed];
        assert.ok(doneA.completed.length > 50 && doneB.completed.length > 50, `both replicas took load (${doneA.completed.length}, ${doneB.completed.length})`);

        const dir = db.dataDir;
        const journals = fs.readdirSync(dir).filter((f) => /\.calls\..*-\d{6,}\.jsonl$/.test(f));
        assert.ok(journals.some((f) => f.includes('.calls.replica-a-')) && journals.some((f) => f.includes('.calls.replica-b-')), `a journal each: ${journals.join(', ')}`);

        const deadline = Date.now() + 30_000;
        let lost: string[] = [];
        let twice = 0;
        let rows: Awaited<ReturnType<typeof recordedRows>> = [];
        do {
          rows = await recordedRows(db, 0, 0);
          const seen = new Map<unknown, number>();
          for (const r of rows) if (r.upstream_id !== null) seen.set(r.upstream_id, (seen.get(r.upstream_id) ?? 0) + 1);
          lost = completed.filter((id) => !seen.has(id));
          twice = [...seen.values()].filter((n) => n > 1).length;
          if (lost.length) await sleep(250);
        } while (lost.length && Date.now() < deadline);
        console.log(`replicas (${engine}): ${completed.length} calls completed (${doneA.completed.length} through the killed one), ${lost.length} lost, ${twice} duplicated (${rows.length} rows)`);
        assert.deepEqual(lost, []);
        assert.equal(twice, 0);

        // each replica answers for the whole database
        const totals = await Promise.all([again.origin, b.origin].map(async (origin) => {
          const to = new Date(Date.now() + 60_000).toISOString();
          const from = new Date(Date.now() - 3_600_000).toISOString();
          const res = await fetch(`${origin}/api/v1/overview?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
          assert.equal(res.status, 200);
          return ((await res.json()) as { current: { requests: number } }).current.requests;
        }));
        assert.equal(totals[0], rows.length);
        assert.equal(totals[1], rows.length);
      } finally {
        await again?.stop();
        await b.stop();
      }
      try {
        await db.assertRollupsMatchRaw();
      } finally {
        await db.close();
      }
    });
  });

  it('a budget made on one replica blocks on both within a second of its spend being reached on either', async () => {
    await withSimulator({}, async (sim) => {
      const db = await testDatabase(engine);
      const a = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_REPLICA_ID: 'a' }, db);
      const b = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_REPLICA_ID: 'b' }, db);
      try {
        const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const created = await fetch(`${a.origin}/api/v1/budgets`, {
          method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Shared', period: 'day', amountUsd: '0.002', thresholds: [1], action: 'block' }),
        });
        assert.equal(created.status, 201);
        const body = JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'hello there' }] });
        const call = async (origin: string) => (await fetch(`${origin}/inference/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body })).status;
        await sleep(1500); // b reads the new budget at its next look
        let passed = 0;
        while ((await call(b.origin)) === 200) {
          if (++passed > 200) {
            const state = await (await fetch(`${b.origin}/api/v1/budgets`, { headers: auth })).json();
            const stateA = await (await fetch(`${a.origin}/api/v1/budgets`, { headers: auth })).json();
            assert.fail(`the budget never blocked: b ${JSON.stringify(state)} a ${JSON.stringify(stateA)}`);
          }
        }
        const t0 = Date.now();
        let other = await call(a.origin);
        while (other === 200 && Date.now() - t0 < 5000) {
          await sleep(100);
          other = await call(a.origin);
        }
        console.log(`replicas (${engine}): ${passed} calls through b used the budget up; a refused ${Date.now() - t0} ms later`);
        assert.equal(other, 402, 'the other replica blocks too');
        assert.ok(Date.now() - t0 < 2500, 'within about a second');
      } finally {
        await b.stop();
        await a.stop();
        await db.close();
      }
    });
  });

  it('METER_ROLE=proxy serves calls but no dashboard; dashboard serves pages but no calls', async () => {
    await withSimulator({}, async (sim) => {
      const db = await testDatabase(engine);
      const proxyOnly = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_ROLE: 'proxy', METER_REPLICA_ID: 'p' }, db);
      const pagesOnly = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, METER_ROLE: 'dashboard', METER_REPLICA_ID: 'd' }, db);
      try {
        const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
        const body = JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'hi' }] });
        const call = (origin: string) => fetch(`${origin}/inference/v1/chat/completions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
        assert.equal((await call(proxyOnly.origin)).status, 200);
        const refused = await call(pagesOnly.origin);
        assert.equal(refused.status, 404);
        assert.match(((await refused.json()) as { error: string }).error, /METER_ROLE=dashboard/);
        const page = await fetch(`${proxyOnly.origin}/api/v1/filter-options`, { headers: auth });
        assert.equal(page.status, 404);
        assert.match(((await page.json()) as { error: string }).error, /METER_ROLE=proxy/);
        assert.equal((await fetch(`${pagesOnly.origin}/api/v1/filter-options`, { headers: auth })).status, 200);
        for (const origin of [proxyOnly.origin, pagesOnly.origin]) assert.equal((await fetch(`${origin}/healthz`)).status, 200);
      } finally {
        await pagesOnly.stop();
        await proxyOnly.stop();
        await db.close();
      }
    });
  });
});
