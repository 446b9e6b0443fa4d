import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import * as schema from '@/db/schema';
import { maintenanceTasks, requests } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { summaryReport } from '@/lib/analytics/reports-summary';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { picoToUsdString, sumPico } from '@/lib/money';
import { loadCatalog } from '@/lib/pricing/catalog';
import { computeCost } from '@/lib/pricing/cost';
import { EXACT_MONEY_TASK, runExactMoneyBackfill } from '@/lib/pricing/exact-money-backfill';
import { findPrice } from '@/lib/pricing/lookup';
import { toPriceRow, type PricedRow } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import { applyRollups } from '@/lib/rollups/apply';
import { USAGE_ROLLUPS, usageRollupUpsert } from '@/lib/rollups/definition';
import { createRandom } from '@/lib/seed/synthetic-calls';
import { databaseAt } from '../support/migrations';
import { assertRollupsMatchRaw } from '../support/rollups';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'meter-money-'));
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2);

// Calls an older Meter stored, each cost rounded to whole micro-dollars. The 5-token embedding is
// the example: $0.00000004 stored as $0.000000.
const OLD_CALLS = [
  { model: 'nomic-ai/nomic-embed-text-v1.5', endpoint: 'embeddings', path: 'standard', prompt: 5, cached: 0, completion: 0, micros: 0, pico: 40_000 },
  { model: 'nomic-ai/nomic-embed-text-v1.5', endpoint: 'embeddings', path: 'standard', prompt: 300, cached: 0, completion: 0, micros: 2, pico: 2_400_000 },
  { model: 'accounts/fireworks/models/kimi-k2p6', endpoint: 'chat/completions', path: 'standard', prompt: 1200, cached: 1024, completion: 20, micros: 411, pico: 411_040_000 },
  { model: 'accounts/fireworks/models/deepseek-v4-flash-0731', endpoint: 'chat/completions', path: 'standard', prompt: 100, cached: 71, completion: 1, micros: 8, pico: 7_537_000 },
] as const;

describe('migration 0011 and the exact re-pricing after it', () => {
  it('keeps every stored cost, then re-prices each call from its usage to the pico-dollar, rollups included', async () => {
    const { file, sqlite } = databaseAt('0010_cost_states');
    const insert = sqlite.prepare(`INSERT INTO requests (started_at, duration_ms, endpoint, model, serving_path, region, stream, status, api_key,
      prompt_tokens, cached_prompt_tokens, completion_tokens, cost_total_micros, cost_input_micros, cache_savings_micros, standard_cost_micros)
      VALUES (?, 10, ?, ?, ?, 'global', 0, 200, 'k1', ?, ?, ?, ?, ?, 0, ?)`);
    OLD_CALLS.forEach((c, i) => insert.run(T0 + i * 60_000, c.endpoint, c.model, c.path, c.prompt, c.cached, c.completion, c.micros, c.micros, c.micros));
    insert.run(T0 + 3_600_000, 'chat/completions', 'm/unknown', 'standard', 10, 0, 1, null, null, null); // unpriced stays unpriced
    sqlite.close();

    const db = openDatabase(file); // applies 0011
    const stored = db.select().from(requests).all();
    assert.deepEqual(stored.slice(0, OLD_CALLS.length).map((r) => r.costTotalPico), OLD_CALLS.map((c) => c.micros * 1_000_000), 'micro-dollars kept, now in pico-dollars');
    assert.equal(stored.at(-1)!.costTotalPico, null);
    assert.ok(db.select().from(maintenanceTasks).get(), 'the migration asks for the re-pricing');
    // the rollups as the older Meter kept them (0011 added the remainder columns at 0)
    db.$client.transaction(() => applyRollups(db.$client, 1, stored.at(-1)!.id))();
    assertRollupsMatchRaw(db);

    await seedPriceCatalog(db, loadCatalog());
    const log: string[] = [];
    await runExactMoneyBackfill(db, { log: (m) => log.push(m) });
    const after = db.select().from(requests).all();
    assert.deepEqual(after.slice(0, OLD_CALLS.length).map((r) => r.costTotalPico), OLD_CALLS.map((c) => c.pico));
    assert.equal(after.at(-1)!.costTotalPico, null);
    assert.equal(db.select().from(maintenanceTasks).get(), undefined, 'done once');
    assert.match(log.at(-1)!, /Re-priced 5 of 5 stored calls exactly: total \$0\.000421 → \$0\.000421017\./);
    assertRollupsMatchRaw(db);
    const total = (await totalsBy(db, filtersSchema.parse({ from: new Date(T0 - DAY).toISOString(), to: new Date(T0 + DAY).toISOString() }), []))[0]!;
    assert.equal(total.spendUsd, picoToUsdString(sumPico(OLD_CALLS.map((c) => c.pico))));
    assert.equal(total.spendUsd, '0.000421017');

    // a second start finds nothing to do
    await runExactMoneyBackfill(db, { log: (m) => log.push(m) });
    assert.equal(log.length, 2);
    db.$client.close();
  });

  it('does not ask a new, empty database to re-price anything', () => {
    const db = openDatabase(path.join(tempDir(), 'meter.db'));
    assert.equal(db.select().from(maintenanceTasks).where(undefined).all().filter((t) => t.name === EXACT_MONEY_TASK).length, 0);
    db.$client.close();
  });
});

describe('a million priced calls', () => {
  it('sum exactly, call by call, to the rollups\' totals and the summary report', async () => {
    const db: Db = openDatabase(':memory:');
    // Only what the sums read: the log's search indexes and the tag-level rollups would triple the time.
    for (const index of ['requests_hour_upstream_id', 'requests_hour_upstream_request_id', 'requests_hour_session_affinity', 'requests_hour_user', 'requests_record_id']) {
      db.$client.exec(`DROP INDEX ${index}`);
    }
    const catalog = loadCatalog().filter((p) => p.servingPath === 'standard' && p.region === 'global');
    await seedPriceCatalog(db, catalog);
    const table = db.select().from(schema.prices).all().map(toPriceRow);
    const r = createRandom(11);
    const insert = db.$client.prepare(`INSERT INTO requests (started_at, duration_ms, endpoint, model, serving_path, region, stream, status, api_key,
      prompt_tokens, cached_prompt_tokens, completion_tokens, price_id, cost_total_pico, cache_savings_pico, standard_cost_pico)
      VALUES (?, 1, 'chat/completions', ?, 'standard', 'global', 0, 200, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const N = 1_000_000;
    let spend = 0n;
    let savings = 0n;
    let subMicro = 0;
    let written = 0;
    const found = new Map<string, PricedRow | undefined>();
    db.$client.transaction(() => {
      for (let i = 0; i < N; i++) {
        const price = table[Math.floor(r() * table.length)]!;
        const prompt = 1 + Math.floor(r() * 9000);
        const tokens = { promptTokens: prompt, cachedPromptTokens: Math.floor(prompt * r()), completionTokens: Math.floor(r() * 800) };
        const at = T0 + Math.floor(r() * 30 * DAY);
        const key = `${price.model}|${Math.floor(at / DAY)}`;
        if (!found.has(key)) found.set(key, findPrice(table, { model: price.model, servingPath: 'standard', region: 'global', at: new Date(at) }) as PricedRow | undefined);
        const row = found.get(key);
        if (!row) continue; // a row not yet in effect at that date
        const cost = computeCost(tokens, row);
        written++;
        spend += BigInt(cost.totalPico);
        savings += BigInt(cost.cacheSavingsPico);
        if (cost.totalPico % 1_000_000 !== 0) subMicro++;
        insert.run(at, price.model, `k${i % 7}`, tokens.promptTokens, tokens.cachedPromptTokens, tokens.completionTokens, row.id, cost.totalPico, cost.cacheSavingsPico, cost.totalPico);
      }
      for (const rollup of [USAGE_ROLLUPS.hourlyCompact, USAGE_ROLLUPS.dailyByKey, USAGE_ROLLUPS.daily]) {
        db.$client.prepare(usageRollupUpsert(rollup, 'id BETWEEN ? AND ?')).run(1, written);
      }
    })();
    assert.ok(subMicro > written / 2, `most calls have digits below a micro-dollar (${subMicro})`);
    const month = filtersSchema.parse({ from: new Date(T0 - DAY).toISOString(), to: new Date(T0 + 31 * DAY).toISOString() });
    const total = (await totalsBy(db, month, []))[0]!;
    assert.ok(written > N * 0.9, `${written} priced calls`);
    assert.equal(total.requests, written);
    assert.equal(total.spendUsd, picoToUsdString(spend), 'rollups to the last pico-dollar');
    assert.equal(total.cacheSavingsUsd, picoToUsdString(savings));
    assert.equal(total.premiumUsd, '0.000000', 'Standard calls have no premium');
    // a range cutting hours at both ends adds raw rows to the rollups: same exactness
    const cut = filtersSchema.parse({ from: new Date(T0 + 1_234_567).toISOString(), to: new Date(T0 + 29 * DAY + 7_654_321).toISOString() });
    const inCut = db.$client.prepare('SELECT CAST(sum(cost_total_pico) AS TEXT) AS s FROM requests WHERE started_at >= ? AND started_at < ?').get(cut.from.getTime(), cut.to.getTime()) as { s: string };
    assert.equal((await totalsBy(db, cut, []))[0]!.spendUsd, picoToUsdString(BigInt(inCut.s)));
    // finance's summary: every row exact, and the rows add up to the same total
    const report = await summaryReport(db, month); // whole UTC days: the daily rollup
    assert.equal(report.totals.spendUsd, picoToUsdString(spend));
    db.$client.close();
  });
});
