import assert from 'node:assert/strict';
import { parseUsdToPico, picoToUsdString, sumPico } from '@/lib/money';
import { HOUR_MS } from '@/lib/rollups/definition';
import { assertRollupsMatchRaw } from '../support/rollups';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { prices, requests, type NewRequestRow } from '@/db/schema';
import { filterOptions } from '@/lib/analytics/filter-options';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { priceCall, toPriceRow } from '@/lib/pricing/price-book';
import { addPrice, DuplicatePriceError, listPrices, newPriceSchema } from '@/lib/pricing/price-table';
import { reprice, repriceSchema } from '@/lib/pricing/reprice';
import type { Region, ServingPath } from '@/lib/pricing/types';
import { Recorder } from '@/lib/recorder/recorder';
import { listApiKeyLabels, saveApiKeyLabel } from '@/lib/settings/api-key-labels';
import { createRandom } from '@/lib/seed/synthetic-calls';

const T0 = Date.UTC(2026, 9, 1);
const DAY = 86_400_000;

const rng = createRandom;

function tempDb(): { db: Db; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-settings-'));
  return { dir, db: openDatabase(path.join(dir, 'meter.db')) };
}

const priceInput = (over: Record<string, string> = {}) =>
  newPriceSchema.parse({ model: 'm/a', servingPath: 'standard', region: 'global', inputUsdPerMtok: '1', cachedInputUsdPerMtok: '0.5', outputUsdPerMtok: '2', effectiveFrom: '2026-01-01', ...over });

/** Calls of 20 days, priced at ingest the way the proxy prices them, from the table as it was then. */
async function fill(db: Db, dir: string) {
  await addPrice(db, priceInput());
  await addPrice(db, priceInput({ model: 'm/a', servingPath: 'priority', inputUsdPerMtok: '2', cachedInputUsdPerMtok: '1', outputUsdPerMtok: '4' }));
  await addPrice(db, priceInput({ model: 'm/b', inputUsdPerMtok: '0.2', cachedInputUsdPerMtok: '0.1', outputUsdPerMtok: '0.8' }));
  const table = db.select().from(prices).all().map(toPriceRow);
  const recorder = new Recorder(db);
  const r = rng(23);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < 4000; i++) {
    const ok = r() > 0.1;
    const prompt = Math.floor(r() * 6000);
    const tokens = ok ? { promptTokens: prompt, cachedPromptTokens: Math.floor(prompt * r()), completionTokens: Math.floor(r() * 500) } : undefined;
    // several calls share a start time, so paging must not skip or repeat them
    const startedAt = T0 + Math.floor(r() * 20 * 24) * HOUR_MS + pick([0, 0, 1234, 1_800_000]);
    const q = { model: pick(['m/a', 'm/b', 'm/new']), servingPath: pick<ServingPath>(['standard', 'priority']), region: 'global' as Region, at: new Date(startedAt) };
    const p = priceCall(table, q, tokens);
    const row: NewRequestRow = {
      startedAt, durationMs: 10, endpoint: 'chat/completions', model: q.model, servingPath: q.servingPath, region: q.region, stream: false,
      status: ok ? 200 : 499, apiKey: pick(['k1', 'k2']), sessionAffinity: pick(['s', null]),
      promptTokens: tokens?.promptTokens ?? null, cachedPromptTokens: tokens?.cachedPromptTokens ?? null, completionTokens: tokens?.completionTokens ?? null,
      priceId: p.priceId, costInputPico: p.cost?.inputPico ?? null, costCachedInputPico: p.cost?.cachedInputPico ?? null,
      costOutputPico: p.cost?.outputPico ?? null, costTotalPico: p.cost?.totalPico ?? null, cacheSavingsPico: p.cost?.cacheSavingsPico ?? null,
      standardCostPico: p.standardCostPico,
    };
    recorder.record(row);
    if (i % 500 === 0) recorder.flush();
  }
  // a call priced by a row that has since gone (an old import): re-pricing makes it unpriced
  recorder.record({ startedAt: T0 + 12 * DAY, durationMs: 1, endpoint: 'chat/completions', model: 'm/gone', servingPath: 'standard', region: 'global', stream: false, status: 200, apiKey: 'k1', promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: 77_000_001, cacheSavingsPico: 0, priceId: 999 });
  recorder.close();
}

const rollupMatchesRaw = assertRollupsMatchRaw;

describe('API-key labels', () => {
  it('are set, changed and removed, and show in the filter options', async () => {
    const { db, dir } = tempDb();
    await fill(db, dir);
    assert.deepEqual(await saveApiKeyLabel(db, { apiKey: 'k1', label: 'Search prod', team: 'search' }), { apiKey: 'k1', label: 'Search prod', team: 'search' });
    await saveApiKeyLabel(db, { apiKey: 'k1', label: 'Search (prod)', team: '' });
    await saveApiKeyLabel(db, { apiKey: 'k9', label: 'Not used yet' });
    const listed = await listApiKeyLabels(db);
    assert.deepEqual(listed.find((k) => k.apiKey === 'k1')?.label, 'Search (prod)');
    assert.equal(listed.find((k) => k.apiKey === 'k1')?.team, null);
    assert.ok(listed.find((k) => k.apiKey === 'k2')!.requests > 0);
    assert.equal(listed.find((k) => k.apiKey === 'k9')?.requests, 0);
    assert.equal((await filterOptions(db)).apiKeys.find((k) => k.apiKey === 'k1')?.label, 'Search (prod)');
    await saveApiKeyLabel(db, { apiKey: 'k1', label: '' });
    assert.equal((await filterOptions(db)).apiKeys.find((k) => k.apiKey === 'k1')?.label, null);
    assert.equal((await listApiKeyLabels(db)).find((k) => k.apiKey === 'k9')?.label, 'Not used yet');
  });
});

describe('price catalog', () => {
  it('adds rows with exact micro-dollars and refuses duplicates and bad prices', async () => {
    const { db } = tempDb();
    const p = priceInput({ inputUsdPerMtok: '0.00875', cachedInputUsdPerMtok: '0.004', outputUsdPerMtok: '28.125', effectiveFrom: '2026-11-01', source: '' });
    assert.equal(p.inputUsdPerMtok, 8750);
    assert.equal(p.outputUsdPerMtok, 28_125_000);
    const row = await addPrice(db, p);
    assert.equal(row.inputMicrosPerMtok, 8750);
    assert.equal(row.source, 'added in Settings');
    await assert.rejects(async () => addPrice(db, p), DuplicatePriceError);
    await assert.rejects(async () => addPrice(db, p), /already exists/);
    assert.equal((await listPrices(db, { q: 'm/a' })).length, 1);
    assert.equal((await listPrices(db, { q: 'nothing-like-this' })).length, 0);
    assert.equal((await listPrices(db, { q: '%' })).length, 0, 'LIKE wildcards are taken literally');

    const bad = (over: Record<string, string>) => {
      const r = newPriceSchema.safeParse({ model: 'm/a', servingPath: 'standard', region: 'global', inputUsdPerMtok: '1', cachedInputUsdPerMtok: '0.5', outputUsdPerMtok: '2', effectiveFrom: '2026-01-01', ...over });
      assert.equal(r.success, false, JSON.stringify(over));
      return r.error!.issues.map((i) => i.message).join('; ');
    };
    assert.match(bad({ cachedInputUsdPerMtok: '1.5' }), /cached input price cannot be above/);
    assert.match(bad({ inputUsdPerMtok: '1e-3' }), /input price: not a plain/);
    assert.match(bad({ outputUsdPerMtok: '0.0000001' }), /more than 6 decimals/);
    assert.match(bad({ inputUsdPerMtok: '-1' }), /not a plain/);
    assert.match(bad({ effectiveFrom: '2026-02-30' }), /real calendar date/);
    assert.match(bad({ model: '' }), /model is required/);
    assert.match(bad({ servingPath: 'batch' }), /Spot, Flex and Batch are shares of Standard/);
    assert.match(bad({ servingPath: 'turbo' }), /a path with its own price rows: standard, priority, fast, ultrafast/);
  });
});

describe('re-pricing', () => {
  it('previews what changes, applies exactly that, and keeps the rollups equal to the raw rows', async () => {
    const { db, dir } = tempDb();
    await fill(db, dir);
    const from = new Date(T0 + 5 * DAY + 1234).toISOString();
    const to = new Date(T0 + 15 * DAY - 999).toISOString();

    const unchanged = await reprice(db, repriceSchema.parse({ from, to, apply: false }), { pageSize: 97 });
    assert.equal(unchanged.totals.changed, 1, 'only the call whose price row is gone changes');
    assert.equal(unchanged.totals.becomeUnpriced, 1);

    // new prices from day 10: m/a gets cheaper, m/new gets its first price
    await addPrice(db, priceInput({ inputUsdPerMtok: '0.5', cachedInputUsdPerMtok: '0.1', outputUsdPerMtok: '1', effectiveFrom: '2026-10-11' }));
    await addPrice(db, priceInput({ model: 'm/new', inputUsdPerMtok: '3', cachedInputUsdPerMtok: '0.3', outputUsdPerMtok: '6', effectiveFrom: '2026-10-01' }));
    const table = db.select().from(prices).all().map(toPriceRow);
    const inRange = db.select().from(requests).all().filter((r) => r.startedAt >= Date.parse(from) && r.startedAt < Date.parse(to));
    const want = { calls: inRange.length, oldPico: 0n, newPico: 0n, becomePriced: 0, becomeUnpriced: 0 };
    let unpricedAfter = 0;
    for (const r of inRange) {
      const tokens = r.promptTokens === null ? undefined : { promptTokens: r.promptTokens, cachedPromptTokens: r.cachedPromptTokens ?? 0, completionTokens: r.completionTokens ?? 0 };
      const after = priceCall(table, { model: r.model, servingPath: r.servingPath as ServingPath, region: r.region as Region, at: new Date(r.startedAt) }, tokens).cost?.totalPico ?? null;
      want.oldPico += BigInt(r.costTotalPico ?? 0);
      want.newPico += BigInt(after ?? 0);
      if (after === null && r.promptTokens !== null) unpricedAfter++; // a call without usage is usage unknown, not unpriced
      if (r.costTotalPico === null && after !== null) want.becomePriced++;
      if (r.costTotalPico !== null && after === null) want.becomeUnpriced++;
    }
    const wantOld = picoToUsdString(want.oldPico);
    const wantNew = picoToUsdString(want.newPico);
    const exact = (usd: string) => parseUsdToPico(usd)!;

    const preview = await reprice(db, repriceSchema.parse({ from, to, apply: false }), { pageSize: 97 });
    assert.equal(preview.applied, false);
    assert.deepEqual(
      { calls: preview.totals.calls, oldPico: exact(preview.totals.oldUsd), newPico: exact(preview.totals.newUsd), becomePriced: preview.totals.becomePriced, becomeUnpriced: preview.totals.becomeUnpriced },
      want,
    );
    assert.equal(preview.totals.differenceUsd, picoToUsdString(want.newPico - want.oldPico));
    assert.ok(preview.totals.becomePriced > 100 && exact(preview.totals.differenceUsd) !== 0n);
    assert.equal(preview.byModel.find((m) => m.model === 'm/new')!.oldUsd, '0.000000');
    assert.equal(preview.byModel.find((m) => m.model === 'm/b')!.changed, 0, 'm/b prices did not change');
    assert.equal(picoToUsdString(sumPico(preview.byModel.map((m) => exact(m.differenceUsd)))), preview.totals.differenceUsd);
    const f = filtersSchema.parse({ from, to });
    assert.equal((await totalsBy(db, f, []))[0]!.spendUsd, wantOld, 'a preview changes nothing');

    const onlyA = await reprice(db, repriceSchema.parse({ from, to, model: 'm/a', apply: false }));
    assert.deepEqual(onlyA.byModel.map((m) => m.model), ['m/a']);

    const applied = await reprice(db, repriceSchema.parse({ from, to, apply: true }), { pageSize: 97 });
    assert.equal(applied.applied, true);
    assert.deepEqual(applied.totals, preview.totals);
    const totals = (await totalsBy(db, f, []))[0]!;
    assert.equal(totals.spendUsd, wantNew);
    assert.equal(totals.unpricedRequests, unpricedAfter);
    rollupMatchesRaw(db);
    const outside = db.select().from(requests).all().filter((r) => r.model === 'm/new' && (r.startedAt < Date.parse(from) || r.startedAt >= Date.parse(to)));
    assert.ok(outside.length > 0 && outside.every((r) => r.costTotalPico === null), 'calls outside the range are untouched');

    const again = await reprice(db, repriceSchema.parse({ from, to, apply: false }));
    assert.equal(again.totals.changed, 0, 'applying twice changes nothing more');
    assert.equal(again.totals.oldUsd, wantNew);
  });

  it('rejects a request without apply or with a reversed range', () => {
    assert.equal(repriceSchema.safeParse({ from: '2026-10-02T00:00:00Z', to: '2026-10-01T00:00:00Z', apply: false }).success, false);
    assert.equal(repriceSchema.safeParse({ from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' }).success, false);
  });
});
