import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { prices, type NewRequestRow } from '@/db/schema';
import { filtersSchema } from '@/lib/analytics/engine/filters';
import { spotEffectiveDiscount } from '@/lib/analytics/spot-effective-discount';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { loadCatalog } from '@/lib/pricing/catalog';
import { priceCall, toPriceRow } from '@/lib/pricing/price-book';
import { seedPriceCatalog } from '@/lib/pricing/seed';
import type { ServingPath } from '@/lib/pricing/serving-paths';
import { Recorder } from '@/lib/recorder/recorder';

const M = 'accounts/fireworks/models/';
const T0 = Date.UTC(2026, 10, 20, 9, 50);
const tokens = { promptTokens: 55_000, cachedPromptTokens: 50_000, completionTokens: 200 }; // $0.033 on Kimi K3 Standard

describe('Spot effective discount', () => {
  it('adds the Standard retries after Spot refusals to Spot spend, against the same work on Standard', async () => {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-spot-')), 'meter.db'));
    await seedPriceCatalog(db, loadCatalog());
    const table = db.select().from(prices).all().map(toPriceRow);
    const recorder = new Recorder(db);
    const call = (at: number, model: string, servingPath: ServingPath, status: number, session: string | null, key = 'k1') => {
      const usage = status === 200 ? tokens : undefined;
      const p = priceCall(table, { model, servingPath, region: 'global', at: new Date(at) }, usage);
      const row: NewRequestRow = {
        startedAt: at, durationMs: 5, endpoint: 'chat/completions', model, servingPath, region: 'global', stream: false, status, apiKey: key,
        sessionAffinity: session, promptTokens: usage?.promptTokens ?? null, cachedPromptTokens: usage?.cachedPromptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null, priceId: p.priceId, costTotalPico: p.cost?.totalPico ?? null, standardCostPico: p.standardCostPico,
      };
      recorder.record(row);
    };
    const min = 60_000;
    call(T0, `${M}kimi-k3-spot`, 'spot', 200, 's1'); // $0.0231
    call(T0 + min, `${M}kimi-k3-spot`, 'spot', 200, null); // $0.0231
    call(T0 + 2 * min, `${M}kimi-k3-spot`, 'spot', 503, 's2');
    call(T0 + 3 * min, `${M}kimi-k3`, 'standard', 200, 's2'); // the retry, across the hour: $0.033
    call(T0 + 4 * min, `${M}kimi-k3`, 'standard', 200, 's2'); // a second Standard call in the window counts too
    call(T0 + 5 * min, `${M}kimi-k3-spot`, 'spot', 429, 's3');
    call(T0 + 30 * min, `${M}kimi-k3`, 'standard', 200, 's3'); // too late to be its retry
    call(T0 + 6 * min, `${M}kimi-k3`, 'standard', 200, 's3', 'k2'); // another key's session of the same name
    call(T0 + 7 * min, `${M}glm-5p2`, 'standard', 200, 's3'); // another model
    recorder.close();

    const filters = filtersSchema.parse({ from: new Date(T0 - 3_600_000).toISOString(), to: new Date(T0 + 3_600_000).toISOString() });
    const d = await spotEffectiveDiscount(db, filters);
    assert.deepEqual(
      { ...d, effectiveDiscount: d.effectiveDiscount?.toFixed(6) },
      {
        spotCalls: 4, refusedSpotCalls: 2, retriesOnStandard: 2,
        spotSpendUsd: '0.046200', retrySpendUsd: '0.066000', standardEquivalentUsd: '0.132000',
        effectiveDiscount: (1 - 0.1122 / 0.132).toFixed(6), listedDiscount: 1 - 70 / 100, retryWindowMinutes: 10,
      },
    );
    // what the listed 30% alone would suggest, against 15% once the retries are paid
    assert.ok(d.effectiveDiscount! < d.listedDiscount);
    // the key filter keeps only that key's calls and retries
    const k2 = await spotEffectiveDiscount(db, { ...filters, apiKey: ['k2'] });
    assert.equal(k2.spotCalls, 0);
    assert.equal(k2.effectiveDiscount, null);
    // Spot is not a premium: the premium over Standard stays at zero
    assert.equal((await totalsBy(db, filters, []))[0]!.premiumUsd, '0.000000');
    db.$client.close();
  });
});
