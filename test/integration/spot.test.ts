import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import type { SpotEffectiveDiscount } from '@/lib/analytics/spot-effective-discount';
import { picoToUsdString, sumPico } from '@/lib/money';
import { ADMIN_TOKEN, recordedRows, startMeterProcess, withSimulator } from './harness';
import { ENGINES, testDatabase } from './test-database';

const M = 'accounts/fireworks/models/';
const SESSIONS = 24;

for (const engine of ENGINES) describe(`Spot through the real server (${engine})`, () => {
  it('prices Spot at its share of Standard, records refusals with Retry-After, and counts the Standard retries in its effective discount', async () => {
    await withSimulator({ spotCapacity: 0.5, seed: 7 }, async (sim) => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, await testDatabase(engine));
      try {
        // no SDK retries: the app below falls back to Standard itself, as Fireworks advises
        const client = new OpenAI({ apiKey: 'fw-spot-test-key', baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
        let refused = 0;
        for (let i = 0; i < SESSIONS; i++) {
          const headers = { 'x-session-affinity': `spot-session-${i}` };
          const body = { messages: [{ role: 'user' as const, content: `Summarise report ${i} in one line.` }], max_tokens: 20 };
          try {
            await client.chat.completions.create({ ...body, model: `${M}kimi-k3-spot` }, { headers });
          } catch (error) {
            assert.ok(error instanceof OpenAI.APIError && error.status === 503, String(error));
            assert.equal(error.headers.get('retry-after'), '2', 'Retry-After passed through');
            refused++;
            await client.chat.completions.create({ ...body, model: `${M}kimi-k3` }, { headers });
          }
        }
        assert.ok(refused > 3 && refused < SESSIONS - 3, `${refused} of ${SESSIONS} Spot calls refused`);

        const rows = await recordedRows(meter.db, SESSIONS + refused);
        const spot = rows.filter((r) => r['serving_path'] === 'spot');
        assert.equal(spot.length, SESSIONS);
        const served = spot.filter((r) => r.status === 200);
        for (const r of served) {
          // Kimi K3's Standard rates × 70% are whole micro-dollars, so Spot is exactly 7/10 of Standard
          assert.equal(BigInt(r.cost_total_pico!) * 10n, BigInt(r['standard_cost_pico'] as number) * 7n);
        }
        for (const r of spot.filter((x) => x.status === 503)) {
          assert.equal(r['retry_after_s'], 2);
          assert.equal(r.prompt_tokens, null, 'a refusal has no usage: usage unknown, never $0');
        }
        const retries = rows.filter((r) => r['serving_path'] === 'standard');
        assert.equal(retries.length, refused);

        const res = await fetch(`${meter.origin}/api/v1/spot/effective-discount?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        assert.equal(res.status, 200);
        const d = (await res.json()) as SpotEffectiveDiscount;
        const spend = sumPico(served.map((r) => r.cost_total_pico));
        const retrySpend = sumPico(retries.map((r) => r.cost_total_pico));
        const standard = sumPico(served.map((r) => r['standard_cost_pico'] as number)) + retrySpend;
        assert.deepEqual(
          [d.spotCalls, d.refusedSpotCalls, d.retriesOnStandard, d.spotSpendUsd, d.retrySpendUsd, d.standardEquivalentUsd],
          [SESSIONS, refused, refused, picoToUsdString(spend), picoToUsdString(retrySpend), picoToUsdString(standard)],
        );
        assert.ok(d.effectiveDiscount! < d.listedDiscount, `effective ${d.effectiveDiscount} below the listed ${d.listedDiscount}`);
        assert.equal(d.effectiveDiscount!.toFixed(6), (1 - Number(((spend + retrySpend) * 1_000_000n) / standard) / 1e6).toFixed(6));
      } finally {
        await meter.stop();
        await meter.db.close();
      }
    });
  });
});
