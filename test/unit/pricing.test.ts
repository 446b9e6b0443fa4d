import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  CatalogError,
  catalogKey,
  defaultCatalogDir,
  formatMicrosAsUsd,
  loadCatalog,
  parseUsdToMicros,
} from '../../lib/pricing/catalog';
import { picoToUsdString, sumPico } from '../../lib/money';
import { batchPrice, computeCost } from '../../lib/pricing/cost';
import { classifyServingPath, DEFAULT_SERVING_PATH_SETTINGS, findPrice, standardEquivalent, standardBaseModel } from '../../lib/pricing/lookup';
import type { PriceRow, Region, ServingPath } from '../../lib/pricing/types';
import { normalizeAnthropicUsage, normalizeOpenAIUsage } from '../../lib/usage/usage';

const M = 'accounts/fireworks/models/';
const R = 'accounts/fireworks/routers/';
const rows = loadCatalog();
const G3 = new Date('2026-10-15T12:00:00Z');
const G2 = new Date('2026-06-15T12:00:00Z');
const G1 = new Date('2026-02-15T12:00:00Z');

function price(model: string, servingPath: ServingPath = 'standard', region: Region = 'global', at = G3): PriceRow {
  const row = findPrice(rows, { model, servingPath, region, at });
  assert.ok(row, `expected a price for ${model} ${servingPath} ${region} at ${at.toISOString()}`);
  return row;
}

describe('dollar parsing', () => {
  test('exact decimal-string arithmetic', () => {
    assert.equal(parseUsdToMicros('0.1') + parseUsdToMicros('0.2'), parseUsdToMicros('0.3'));
    assert.equal(parseUsdToMicros('0.3'), 300_000);
    assert.equal(parseUsdToMicros('0.00875'), 8750);
    assert.equal(parseUsdToMicros('28.125'), 28_125_000);
    assert.equal(parseUsdToMicros('0.5625'), 562_500);
    assert.equal(parseUsdToMicros('3'), 3_000_000);
    assert.equal(parseUsdToMicros('3.00'), 3_000_000);
    assert.equal(parseUsdToMicros('0'), 0);
    assert.equal(parseUsdToMicros('0.000001'), 1);
    assert.equal(parseUsdToMicros('1.1'), 1_100_000);
  });
  test('rejects more than 6 decimals and non-plain strings', () => {
    assert.throws(() => parseUsdToMicros('1.1234567'), /6 decimals/);
    for (const bad of ['', '$3.00', '-1', '1e-3', '.5', '1.', ' 1', '1,5', 'abc', '0x10']) {
      assert.throws(() => parseUsdToMicros(bad), RangeError, bad);
    }
  });
  test('round trip to dollar string', () => {
    assert.equal(formatMicrosAsUsd(8750), '0.00875');
    assert.equal(formatMicrosAsUsd(28_125_000), '28.125');
    assert.equal(formatMicrosAsUsd(33_000), '0.033');
    assert.equal(formatMicrosAsUsd(3_000_000), '3');
    assert.equal(formatMicrosAsUsd(0), '0');
  });
});

describe('worked examples', () => {
  test('Reserved Throughput example: Kimi K3 G3 standard → $33.00 per 1,000 requests', () => {
    // 5,000 uncached × $3.00 + 50,000 cached × $0.30 + 200 output × $15.00, per 1M tokens
    // = $0.015 + $0.015 + $0.003 = $0.033 per request = 33,000 micros → $33.00 per 1,000 requests.
    const row = price(`${M}kimi-k3`);
    assert.equal(row.effectiveFrom, '2026-09-01');
    const c = computeCost({ promptTokens: 55_000, cachedPromptTokens: 50_000, completionTokens: 200 }, row);
    assert.deepEqual(c, {
      inputPico: 15_000_000_000,
      cachedInputPico: 15_000_000_000,
      outputPico: 3_000_000_000,
      totalPico: 33_000_000_000,
      cacheSavingsPico: 135_000_000_000, // 50,000 × ($3.00 − $0.30) / 1M = $0.135
    });
    assert.equal(c.totalPico, 33_000_000_000); // $0.033 per request, $33.00 per 1,000
  });

  // kimi-k2p6 G3 standard: $0.95 / $0.16 / $4.00 per 1M.
  //   uncached 1200 − 1024 = 176 × 950,000 = 167,200,000 pico$ = 167.2 µ$
  //   cached 1024 × 160,000 = 163,840,000 pico$ = 163.84 µ$
  //   output 20 × 4,000,000 = 80,000,000 pico$ = 80 µ$
  //   total 411,040,000 pico$ = $0.00041104, kept exactly (rounding per call said $0.000411)
  //   savings 1024 × (950,000 − 160,000) = 808,960,000 pico$
  const k2p6Expected = {
    inputPico: 167_200_000,
    cachedInputPico: 163_840_000,
    outputPico: 80_000_000,
    totalPico: 411_040_000,
    cacheSavingsPico: 808_960_000,
  };

  test('§3a usage example on kimi-k2p6 (1200 prompt incl. 1024 cached, 20 completion)', () => {
    const usage = { prompt_tokens: 1200, total_tokens: 1220, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 1024 } };
    const tokens = normalizeOpenAIUsage(usage);
    assert.deepEqual(tokens, { promptTokens: 1200, cachedPromptTokens: 1024, completionTokens: 20 });
    assert.deepEqual(computeCost(tokens!, price(`${M}kimi-k2p6`)), k2p6Expected);
    // Not double-counted / not priced at the full input rate (peer pitfalls):
    const naive = computeCost({ promptTokens: 1200, cachedPromptTokens: 0, completionTokens: 20 }, price(`${M}kimi-k2p6`));
    assert.equal(naive.totalPico, 1_220_000_000); // 1200 × 0.95 + 80
  });

  test('§3d Anthropic example: input 176 + cache_read 1024 + output 20 = same cost', () => {
    const usage = { input_tokens: 176, output_tokens: 20, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 };
    const byHand = { promptTokens: 176 + 1024, cachedPromptTokens: 1024, completionTokens: 20 };
    assert.deepEqual(normalizeAnthropicUsage(usage), byHand);
    assert.deepEqual(computeCost(byHand, price(`${M}kimi-k2p6`)), k2p6Expected);
  });

  test('tiny price row: DeepSeek V4 Flash (0731) G3, cached $0.007: exact, no rounding per call', () => {
    const row = price(`${M}deepseek-v4-flash-0731`);
    assert.equal(row.cachedInputMicrosPerMtok, 7000);
    // uncached 29 × 220,000 = 6,380,000 pico; cached 71 × 7,000 = 497,000; output 1 × 660,000 = 660,000
    // total 7,537,000 pico = $0.000007537 (rounded per call it was $0.000008)
    const c = computeCost({ promptTokens: 100, cachedPromptTokens: 71, completionTokens: 1 }, row);
    assert.deepEqual(c, { inputPico: 6_380_000, cachedInputPico: 497_000, outputPico: 660_000, totalPico: 7_537_000, cacheSavingsPico: 15_123_000 });
    assert.equal(picoToUsdString(c.totalPico), '0.000007537');
    // Priority cached $0.00875: 400 × 8,750 = 3,500,000 pico = $0.0000035.
    const prio = price(`${M}deepseek-v4-flash-0731`, 'priority');
    assert.equal(prio.cachedInputMicrosPerMtok, 8750);
    assert.equal(computeCost({ promptTokens: 400, cachedPromptTokens: 400, completionTokens: 0 }, prio).totalPico, 3_500_000);
  });

  test('the worked examples of the exact-money issue', () => {
    // A 5-token nomic-embed-text-v1.5 call ($0.008 / 1M): $0.00000004, where rounding per call stored $0.000000.
    const nomic = price('nomic-ai/nomic-embed-text-v1.5');
    assert.equal(nomic.inputMicrosPerMtok, 8000);
    const five = computeCost({ promptTokens: 5, cachedPromptTokens: 0, completionTokens: 0 }, nomic);
    assert.equal(five.totalPico, 40_000);
    assert.equal(picoToUsdString(five.totalPico), '0.00000004');
    // 300 tokens: $0.0000024, where rounding stored $0.000002 (17% under).
    assert.equal(picoToUsdString(computeCost({ promptTokens: 300, cachedPromptTokens: 0, completionTokens: 0 }, nomic).totalPico), '0.0000024');
    // A million 5-token calls sum to exactly $0.04.
    assert.equal(picoToUsdString(sumPico(Array.from({ length: 1_000_000 }, () => five.totalPico))), '0.040000');
  });

  test('cached tokens are clamped to [0, prompt]; bad counts throw', () => {
    const row = price(`${M}kimi-k2p6`);
    const over = computeCost({ promptTokens: 100, cachedPromptTokens: 500, completionTokens: 0 }, row);
    assert.equal(over.cachedInputPico, 16_000_000); // 100 × 160,000 pico = 16 µ$
    assert.equal(over.inputPico, 0);
    const neg = computeCost({ promptTokens: 100, cachedPromptTokens: -5, completionTokens: 0 }, row);
    assert.equal(neg.inputPico, 95_000_000);
    assert.equal(neg.cachedInputPico, 0);
    assert.throws(() => computeCost({ promptTokens: -1, cachedPromptTokens: 0, completionTokens: 0 }, row), RangeError);
    assert.throws(() => computeCost({ promptTokens: 1.5, cachedPromptTokens: 0, completionTokens: 0 }, row), RangeError);
    assert.throws(() => computeCost({ promptTokens: 1, cachedPromptTokens: 0, completionTokens: Number.NaN }, row), RangeError);
  });

  test('large counts stay exact (BigInt internally)', () => {
    const row = price(`${R}kimi-k3-us`, 'priority', 'us');
    const c = computeCost({ promptTokens: 40_000_000, cachedPromptTokens: 10_000_000, completionTokens: 30_000_000 }, row);
    // 30M × $5.625 + 10M × $0.5625 + 30M × $28.125 = 168.75 + 5.625 + 843.75 = $1,018.125
    assert.equal(c.totalPico, 1_018_125_000_000_000);
    // One call past 2^53 pico-dollars (about $9,007) is a broken usage report: refused, not rounded.
    assert.throws(() => computeCost({ promptTokens: 400_000_000, cachedPromptTokens: 0, completionTokens: 300_000_000 }, row), RangeError);
  });

  test('batch = 50% of every rate, exact', () => {
    const std = price(`${M}kimi-k3`);
    const b = findPrice(rows, { model: `${M}kimi-k3`, servingPath: 'batch', region: 'global', at: G3 });
    assert.ok(b);
    assert.equal(b.servingPath, 'batch');
    assert.equal(b.inputMicrosPerMtok, 1_500_000);
    assert.equal(b.cachedInputMicrosPerMtok, 150_000);
    assert.equal(b.outputMicrosPerMtok, 7_500_000);
    assert.deepEqual(batchPrice(std), b);
    // Reserved Throughput tokens at batch rates: exactly half of 33,000.
    assert.equal(computeCost({ promptTokens: 55_000, cachedPromptTokens: 50_000, completionTokens: 200 }, b).totalPico, 16_500_000_000);
    // Tiny rate halves exactly: $0.007 → $0.0035.
    const dsb = findPrice(rows, { model: `${M}deepseek-v4-flash-0731`, servingPath: 'batch', region: 'global', at: G3 });
    assert.equal(dsb?.cachedInputMicrosPerMtok, 3500);
    // An odd micro rate cannot be halved exactly → throws rather than rounding.
    assert.throws(() => batchPrice({ ...std, inputMicrosPerMtok: 3 }), RangeError);
    // No standard row → no batch price.
    assert.equal(findPrice(rows, { model: `${M}no-such-model`, servingPath: 'batch', region: 'global', at: G3 }), undefined);
  });

  test('US rows: G3 = 1.5x base (GLM 5.2 Fast US excepted); G2 = +10%', () => {
    const g3Us = rows.filter((r) => r.region === 'us' && r.effectiveFrom === '2026-09-01');
    assert.ok(g3Us.length >= 10);
    for (const us of g3Us) {
      if (us.model === `${R}glm-5p2-fast-us`) {
        const fast = price(`${R}glm-5p2-fast`, 'fast');
        assert.deepEqual(
          [us.inputMicrosPerMtok, us.cachedInputMicrosPerMtok, us.outputMicrosPerMtok],
          [fast.inputMicrosPerMtok, fast.cachedInputMicrosPerMtok, fast.outputMicrosPerMtok],
        );
        continue;
      }
      const baseModel = us.model.startsWith(R) ? M + us.model.slice(R.length).replace(/-us$/, '') : us.model;
      const base = price(baseModel, us.servingPath, 'global');
      for (const k of ['inputMicrosPerMtok', 'cachedInputMicrosPerMtok', 'outputMicrosPerMtok'] as const) {
        assert.equal(us[k] * 2, base[k] * 3, `${us.model} ${us.servingPath} ${k} is 1.5x`);
      }
    }
    // Same price whether the US request names the router or the base id on us.api.fireworks.ai.
    assert.deepEqual(
      [price(`${R}kimi-k3-us`, 'standard', 'us').inputMicrosPerMtok, price(`${M}kimi-k3`, 'standard', 'us').inputMicrosPerMtok],
      [4_500_000, 4_500_000],
    );
    assert.equal(price(`${R}kimi-k3-us`, 'priority', 'us').outputMicrosPerMtok, 28_125_000);
    // G2 (+10%) before 2026-09-01.
    const g2 = price(`${R}kimi-k3-us`, 'standard', 'us', G2);
    assert.equal(g2.inputMicrosPerMtok, 3_300_000);
    assert.equal(price(`${M}kimi-k3`, 'priority', 'us', G2).outputMicrosPerMtok, 20_625_000);
    // Same 1,000 requests: US G3 = 1.5 × $33.00 = $49.50.
    const t = { promptTokens: 55_000, cachedPromptTokens: 50_000, completionTokens: 200 };
    assert.equal(computeCost(t, price(`${R}kimi-k3-us`, 'standard', 'us')).totalPico, 49_500_000_000);
  });

  test('G2 → G3 repricing of deepseek-v4-flash-0731 by date (UTC)', () => {
    const model = `${M}deepseek-v4-flash-0731`;
    const before = price(model, 'standard', 'global', new Date('2026-08-31T23:59:59.999Z'));
    const after = price(model, 'standard', 'global', new Date('2026-09-01T00:00:00Z'));
    assert.deepEqual([before.inputMicrosPerMtok, before.cachedInputMicrosPerMtok, before.outputMicrosPerMtok], [140_000, 28_000, 280_000]);
    assert.deepEqual([after.inputMicrosPerMtok, after.cachedInputMicrosPerMtok, after.outputMicrosPerMtok], [220_000, 7000, 660_000]);
    // Local-time offsets do not matter: 2026-09-01T01:00+02:00 is still 2026-08-31 UTC.
    assert.equal(price(model, 'standard', 'global', new Date('2026-09-01T01:00:00+02:00')).effectiveFrom, '2026-05-01');
    // Not in G1 → unpriced before G2.
    assert.equal(findPrice(rows, { model, servingPath: 'standard', region: 'global', at: G1 }), undefined);
    // A model only in G1/G2 stays priced after G3 (carried forward).
    assert.equal(price(`${M}glm-5p1`).effectiveFrom, '2026-05-01');
    assert.equal(price(`${M}glm-5p1`, 'standard', 'global', G1).effectiveFrom, '2026-01-01');
    assert.equal(price(`${R}kimi-k2p6-turbo`, 'fast', 'global', G1).inputMicrosPerMtok, 2_000_000);
  });

  test('unknown model → unpriced (undefined), never zero', () => {
    for (const model of [`${M}no-such-model`, 'no-such-model', `${R}glm-latest`, `${R}glm-fast-latest`, `${R}deepseek-flash-latest`, '']) {
      for (const servingPath of ['standard', 'priority', 'fast', 'batch'] as const) {
        assert.equal(findPrice(rows, { model, servingPath, region: 'global', at: G3 }), undefined, `${model} ${servingPath}`);
      }
    }
  });

  test('priority on a model without a Priority row → unpriced (no silent Standard fallback)', () => {
    assert.ok(findPrice(rows, { model: `${M}nemotron-lightning-3p5-30b-a3b`, servingPath: 'standard', region: 'global', at: G3 }));
    assert.equal(findPrice(rows, { model: `${M}nemotron-lightning-3p5-30b-a3b`, servingPath: 'priority', region: 'global', at: G3 }), undefined);
    assert.equal(findPrice(rows, { model: `${R}glm-5p3-us`, servingPath: 'priority', region: 'us', at: G3 }), undefined);
    assert.equal(findPrice(rows, { model: `${M}kimi-k2p6`, servingPath: 'priority', region: 'global', at: G1 }), undefined); // G1: no Priority column
    // US request on a model without a US row → unpriced, not the global price.
    assert.equal(findPrice(rows, { model: `${M}kimi-k2p6`, servingPath: 'standard', region: 'us', at: G3 }), undefined);
  });

  test('bare slugs and short ids resolve to the full id', () => {
    assert.equal(price('kimi-k3').model, `${M}kimi-k3`);
    assert.equal(price('accounts/fireworks/models/qwen3-embedding-8b').model, 'fireworks/qwen3-embedding-8b');
    assert.equal(price('accounts/nomic-ai/models/nomic-embed-text-v1.5').model, 'nomic-ai/nomic-embed-text-v1.5');
    assert.equal(price(`${M}kimi-k3[1m]`).model, `${M}kimi-k3`);
  });

  test('size-based via model-sizes.csv, default 50% cached', () => {
    const row = price(`${M}llama-v3p1-8b-instruct`);
    assert.deepEqual([row.inputMicrosPerMtok, row.cachedInputMicrosPerMtok, row.outputMicrosPerMtok], [200_000, 100_000, 200_000]);
    // 1000 prompt (400 cached) + 100 completion: 600 × 0.20 + 400 × 0.10 + 100 × 0.20 = 120 + 40 + 20 = 180 µ$
    assert.deepEqual(computeCost({ promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 100 }, row), {
      inputPico: 120_000_000,
      cachedInputPico: 40_000_000,
      outputPico: 20_000_000,
      totalPico: 180_000_000,
      cacheSavingsPico: 40_000_000,
    });
    const expected: Record<string, number> = {
      'llama-v3p2-3b-instruct': 100_000,
      'llama-v3p3-70b-instruct': 900_000,
      'qwen2p5-72b-instruct': 900_000,
      'mixtral-8x7b-instruct': 500_000,
      'mixtral-8x22b-instruct': 1_200_000,
    };
    for (const [slug, micros] of Object.entries(expected)) {
      const r = price(slug);
      assert.equal(r.inputMicrosPerMtok, micros, slug);
      assert.equal(r.outputMicrosPerMtok, micros, slug);
      assert.equal(r.cachedInputMicrosPerMtok, micros / 2, slug);
    }
    // Bucket rows themselves are not request models.
    assert.equal(rows.some((r) => r.model.startsWith('size:')), false);
    // Configurable ratio: no discount, or 25%.
    const noDiscount = loadCatalog({ sizeBasedCachedRatioBp: 10_000 });
    const r2 = findPrice(noDiscount, { model: `${M}llama-v3p1-8b-instruct`, servingPath: 'standard', region: 'global', at: G3 });
    assert.equal(r2?.cachedInputMicrosPerMtok, 200_000);
    const quarter = loadCatalog({ sizeBasedCachedRatioBp: 2500 });
    const r3 = findPrice(quarter, { model: `${M}mixtral-8x22b-instruct`, servingPath: 'standard', region: 'global', at: G3 });
    assert.equal(r3?.cachedInputMicrosPerMtok, 300_000);
    // The ratio does not touch individually listed models.
    assert.equal(findPrice(noDiscount, { model: `${M}kimi-k3`, servingPath: 'standard', region: 'global', at: G3 })?.cachedInputMicrosPerMtok, 300_000);
    for (const bad of [-1, 10_001, 50.5, Number.NaN]) {
      assert.throws(() => loadCatalog({ sizeBasedCachedRatioBp: bad }), CatalogError);
    }
  });

  test('embeddings: input only', () => {
    const nomic = price('nomic-ai/nomic-embed-text-v1.5');
    assert.deepEqual([nomic.inputMicrosPerMtok, nomic.cachedInputMicrosPerMtok, nomic.outputMicrosPerMtok], [8000, 8000, 0]);
    // 1,000 tokens × $0.008 / 1M = $0.000008
    assert.deepEqual(computeCost({ promptTokens: 1000, cachedPromptTokens: 0, completionTokens: 0 }, nomic), {
      inputPico: 8_000_000,
      cachedInputPico: 0,
      outputPico: 0,
      totalPico: 8_000_000,
      cacheSavingsPico: 0,
    });
    assert.equal(price('fireworks/qwen3-embedding-8b').inputMicrosPerMtok, 100_000);
    assert.equal(price('thenlper/gte-large').inputMicrosPerMtok, 16_000);
    // 2.5M tokens on qwen3-embedding-8b = $0.25; a stray completion count costs nothing.
    assert.equal(computeCost({ promptTokens: 2_500_000, cachedPromptTokens: 0, completionTokens: 7 }, price('fireworks/qwen3-embedding-8b')).totalPico, 250_000_000_000);
  });
});

describe('classifyServingPath', () => {
  const api = 'api.fireworks.ai';
  const cases: Array<[model: string, host: string, tier: unknown, path: string, region: Region]> = [
    // Fast ids, G1–G3
    [`${R}kimi-k2p6-turbo`, api, undefined, 'fast', 'global'],
    [`${R}kimi-k2p6-fast`, api, undefined, 'fast', 'global'],
    [`${R}glm-5p1-fast`, api, undefined, 'fast', 'global'],
    [`${R}glm-5p2-fast`, api, undefined, 'fast', 'global'],
    [`${R}kimi-k2p7-code-fast`, api, undefined, 'fast', 'global'],
    [`${R}kimi-k3-fast`, api, undefined, 'fast', 'global'],
    [`${R}glm-5p3-fast`, api, undefined, 'fast', 'global'],
    [`${R}glm-5p2-fast-us`, 'us.api.fireworks.ai', undefined, 'fast', 'us'],
    [`${R}glm-5p2-fast-us`, api, undefined, 'fast', 'us'],
    // Version-tracking routers
    [`${R}glm-fast-latest`, api, undefined, 'fast', 'global'],
    [`${R}kimi-fast-latest`, api, undefined, 'fast', 'global'],
    [`${R}glm-fast-latest[1m]`, api, undefined, 'fast', 'global'],
    [`${R}glm-latest`, api, undefined, 'standard', 'global'],
    [`${R}kimi-latest`, api, undefined, 'standard', 'global'],
    [`${R}deepseek-pro-latest`, api, undefined, 'standard', 'global'],
    [`${R}deepseek-flash-latest`, api, undefined, 'standard', 'global'],
    [`${R}glm-flash-latest`, api, undefined, 'standard', 'global'],
    [`${R}minimax-latest`, api, undefined, 'standard', 'global'],
    [`${R}qwen-plus-latest`, api, undefined, 'standard', 'global'],
    [`${R}kimi-k2p7-code`, api, undefined, 'standard', 'global'],
    // Fast wins over priority (Fast rows have no Priority)
    [`${R}kimi-k3-fast`, api, 'priority', 'fast', 'global'],
    // "-fast" on a models/ id is not a router → not Fast
    [`${M}glm-5p3-flash`, api, undefined, 'standard', 'global'],
    [`${M}something-fast`, api, undefined, 'standard', 'global'],
    // US
    [`${R}kimi-k3-us`, api, undefined, 'standard', 'us'],
    [`${R}kimi-k3-us`, api, 'priority', 'priority', 'us'],
    [`${M}kimi-k3`, 'us.api.fireworks.ai', undefined, 'standard', 'us'],
    [`${M}kimi-k3`, 'US.API.FIREWORKS.AI:443', undefined, 'standard', 'us'],
    [`${M}kimi-k3`, 'https://us.api.fireworks.ai/inference/v1', undefined, 'standard', 'us'],
    [`${M}kimi-k3`, 'us.api.fireworks.ai', 'priority', 'priority', 'us'],
    // Priority only for exactly "priority"
    [`${M}kimi-k3`, api, 'priority', 'priority', 'global'],
    [`${M}kimi-k3`, api, 'default', 'standard', 'global'],
    [`${M}kimi-k3`, api, 'auto', 'standard', 'global'],
    [`${M}kimi-k3`, api, 'flex', 'standard', 'global'],
    [`${M}kimi-k3`, api, 'Priority', 'standard', 'global'],
    [`${M}kimi-k3`, api, true, 'standard', 'global'],
    [`${M}kimi-k3`, api, null, 'standard', 'global'],
    [`${M}kimi-k3`, api, undefined, 'standard', 'global'],
    [`${M}kimi-k3`, 'localhost:8787', undefined, 'standard', 'global'],
    // Today's paths (reference §11): Spot ids, Ultra-fast routers, Flex by a suffix setting
    [`${M}kimi-k3-spot`, api, undefined, 'spot', 'global'],
    [`${M}glm-5p3-spot`, api, 'priority', 'spot', 'global'],
    [`${R}deepseek-v4p1-flash-1017-ultrafast`, api, undefined, 'ultrafast', 'global'],
    [`${M}deepseek-v4p1-flash-flex`, api, undefined, 'flex', 'global'],
    [`${M}kimi-k3`, api, 'spot', 'standard', 'global'], // service_tier "spot" only with SERVICE_TIER_SPOT
  ];
  for (const [model, upstreamHost, serviceTier, servingPath, region] of cases) {
    test(`${model} @ ${upstreamHost} tier=${String(serviceTier)} → ${servingPath}/${region}`, () => {
      assert.deepEqual(classifyServingPath({ model, upstreamHost, serviceTier }), { servingPath, region });
    });
  }

  test('service_tier "spot" and "flex" select those paths only when the settings say so', () => {
    const settings = { ...DEFAULT_SERVING_PATH_SETTINGS, serviceTierSpot: true, serviceTierFlex: true, flexSuffixes: ['-slow'] };
    assert.equal(classifyServingPath({ model: `${M}kimi-k3`, upstreamHost: api, serviceTier: 'spot' }, settings).servingPath, 'spot');
    assert.equal(classifyServingPath({ model: `${M}kimi-k3`, upstreamHost: api, serviceTier: 'flex' }, settings).servingPath, 'flex');
    assert.equal(classifyServingPath({ model: `${M}kimi-k3-slow`, upstreamHost: api }, settings).servingPath, 'flex');
    assert.equal(classifyServingPath({ model: `${M}kimi-k3-flex`, upstreamHost: api }, settings).servingPath, 'standard');
  });

  test('Spot and Flex are priced as a share of the base model\'s Standard row; Ultra-fast has its own row', () => {
    const std = findPrice(rows, { model: `${M}kimi-k3`, servingPath: 'standard', region: 'global', at: G3 })!;
    const spot = findPrice(rows, { model: `${M}kimi-k3-spot`, servingPath: 'spot', region: 'global', at: G3 })!;
    assert.deepEqual([spot.inputMicrosPerMtok, spot.cachedInputMicrosPerMtok, spot.outputMicrosPerMtok], [std.inputMicrosPerMtok * 0.7, std.cachedInputMicrosPerMtok * 0.7, std.outputMicrosPerMtok * 0.7]);
    assert.match(spot.source, /spot = 70% of Standard/);
    const half = findPrice(rows, { model: `${M}kimi-k3-spot`, servingPath: 'spot', region: 'global', at: G3 }, { ...DEFAULT_SERVING_PATH_SETTINGS, derivedPercents: { ...DEFAULT_SERVING_PATH_SETTINGS.derivedPercents, spot: 50 } })!;
    assert.equal(half.inputMicrosPerMtok, std.inputMicrosPerMtok / 2);
    const flex = findPrice(rows, { model: `${M}kimi-k3-flex`, servingPath: 'flex', region: 'global', at: G3 })!;
    assert.equal(flex.outputMicrosPerMtok, std.outputMicrosPerMtok / 2);
    assert.equal(findPrice(rows, { model: `${M}no-such-model-spot`, servingPath: 'spot', region: 'global', at: G3 }), undefined, 'no Standard row: unpriced');
    const ultra = findPrice(rows, { model: `${R}deepseek-v4p1-flash-1017-ultrafast`, servingPath: 'ultrafast', region: 'global', at: new Date('2026-11-20T00:00:00Z') })!;
    assert.deepEqual([ultra.inputMicrosPerMtok, ultra.outputMicrosPerMtok], [2_400_000, 9_600_000]);
    assert.equal(findPrice(rows, { model: `${R}deepseek-v4p1-flash-1017-ultrafast`, servingPath: 'ultrafast', region: 'global', at: G3 }), undefined, 'before it was seen');
  });

  test('every classified Fast/US id in the G1–G3 tables has a price', () => {
    const ids: Array<[string, string, Date]> = [
      [`${R}kimi-k2p6-turbo`, api, G1],
      [`${R}kimi-k2p6-fast`, api, G2],
      [`${R}glm-5p1-fast`, api, G2],
      [`${R}kimi-k2p7-code-fast`, api, G2],
      [`${R}glm-5p2-fast`, api, G3],
      [`${R}kimi-k3-fast`, api, G3],
      [`${R}glm-5p3-fast`, api, G3],
      [`${R}glm-5p2-fast-us`, 'us.api.fireworks.ai', G3],
      [`${R}kimi-k3-us`, api, G3],
      [`${M}kimi-k3`, 'us.api.fireworks.ai', G3],
    ];
    for (const [model, upstreamHost, at] of ids) {
      const { servingPath, region } = classifyServingPath({ model, upstreamHost });
      assert.ok(findPrice(rows, { model, servingPath, region, at }), model);
    }
  });
});

describe('standardEquivalent', () => {
  const t = { promptTokens: 55_000, cachedPromptTokens: 50_000, completionTokens: 200 };
  test('priority vs same model standard', () => {
    const prio = price(`${M}kimi-k3`, 'priority');
    assert.equal(computeCost(t, prio).totalPico, 41_250_000_000); // 1.25 × 33,000
    assert.deepEqual(standardEquivalent(t, prio, rows, G3), { standardPico: 33_000_000_000 });
    const usPrio = price(`${R}kimi-k3-us`, 'priority', 'us');
    assert.deepEqual(standardEquivalent(t, usPrio, rows, G3), { standardPico: 49_500_000_000 }); // US standard row
  });
  test('fast vs base model standard', () => {
    const fast = price(`${R}kimi-k3-fast`, 'fast');
    assert.equal(computeCost(t, fast).totalPico, 49_500_000_000);
    assert.deepEqual(standardEquivalent(t, fast, rows, G3), { standardPico: 33_000_000_000 });
    const turbo = price(`${R}kimi-k2p6-turbo`, 'fast', 'global', G1);
    assert.equal(standardBaseModel(turbo), `${M}kimi-k2p6`);
    // kimi-k2p6 G1: 5000 × 0.95 + 50,000 × 0.16 + 200 × 4 = 4750 + 8000 + 800
    assert.deepEqual(standardEquivalent(t, turbo, rows, G1), { standardPico: 13_550_000_000 });
    assert.equal(standardBaseModel({ model: `${R}kimi-k2p7-code-fast`, servingPath: 'fast' }), `${M}kimi-k2p7-code`);
    assert.equal(standardBaseModel({ model: `${R}glm-fast-latest`, servingPath: 'fast' }), undefined);
  });
  test('Spot: the same tokens on Standard, what its effective discount is measured against', () => {
    const spotRow = findPrice(rows, { model: `${M}kimi-k3-spot`, servingPath: 'spot', region: 'global', at: G3 })!;
    assert.equal(computeCost(t, spotRow).totalPico, 23_100_000_000); // 70% of 33,000 micro-dollars
    assert.deepEqual(standardEquivalent(t, spotRow, rows, G3), { standardPico: 33_000_000_000 });
  });
  test('no standard counterpart → undefined', () => {
    // GLM 5.2 Fast US: there is no GLM 5.2 US standard row.
    const fastUs = price(`${R}glm-5p2-fast-us`, 'fast', 'us');
    assert.equal(standardEquivalent(t, fastUs, rows, G3), undefined);
  });
});

describe('catalog integrity', () => {
  test('loads a sensible number of rows', () => {
    assert.ok(rows.length > 100, String(rows.length));
    for (const r of rows) {
      assert.ok(Number.isSafeInteger(r.inputMicrosPerMtok) && r.inputMicrosPerMtok >= 0);
      assert.ok(Number.isSafeInteger(r.cachedInputMicrosPerMtok) && r.cachedInputMicrosPerMtok >= 0);
      assert.ok(Number.isSafeInteger(r.outputMicrosPerMtok) && r.outputMicrosPerMtok >= 0);
      assert.match(r.effectiveFrom, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(r.source.length > 0);
      assert.notEqual(r.servingPath, 'batch');
    }
  });
  test('no duplicate (model, path, region, effective_from)', () => {
    const keys = rows.map(catalogKey);
    assert.equal(new Set(keys).size, keys.length);
  });
  test('every row: cached ≤ input; standard rows halve exactly', () => {
    for (const r of rows) {
      assert.ok(r.cachedInputMicrosPerMtok <= r.inputMicrosPerMtok, catalogKey(r));
      if (r.servingPath === 'standard') assert.doesNotThrow(() => batchPrice(r), catalogKey(r));
    }
  });
  test('fast rows are routers; priority rows have a standard row; -latest routers unpriced', () => {
    for (const r of rows) {
      if (r.servingPath === 'fast') assert.ok(r.model.startsWith(R), r.model);
      if (r.servingPath === 'priority') {
        assert.ok(rows.some((s) => s.model === r.model && s.servingPath === 'standard' && s.region === r.region && s.effectiveFrom === r.effectiveFrom), catalogKey(r));
      }
      assert.ok(!r.model.endsWith('-latest'), r.model);
    }
  });
  test('catalog files: exact header, 8 fields, no quotes, dollars as in the tables', () => {
    const dir = defaultCatalogDir();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.csv'))) {
      const lines = fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim());
      for (const l of lines) assert.ok(!l.includes('"'), `${f}: ${l}`);
      if (f === 'model-sizes.csv') continue;
      for (const l of lines.slice(1)) assert.equal(l.split(',').length, 8, `${f}: ${l}`);
    }
  });

  describe('bad edits fail loudly with file and line', () => {
    const tmpDirs: string[] = [];
    after(() => {
      for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
    });
    function withCatalog(edit: (dir: string) => void): () => PriceRow[] {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pricing-'));
      tmpDirs.push(dir);
      for (const f of fs.readdirSync(defaultCatalogDir())) fs.copyFileSync(path.join(defaultCatalogDir(), f), path.join(dir, f));
      edit(dir);
      return () => loadCatalog({ dir });
    }
    const append = (file: string, line: string) => (dir: string) => fs.appendFileSync(path.join(dir, file), `${line}\n`);
    const H = 'model,serving_path,region,input_usd_per_mtok,cached_input_usd_per_mtok,output_usd_per_mtok,effective_from,source';

    test('copy of the catalog loads identically', () => {
      assert.deepEqual(withCatalog(() => {})(), rows);
    });
    test('too many decimals', () => {
      assert.throws(withCatalog(append('2026-09-g3.csv', `${M}x,standard,global,0.1234567,0.1,1,2026-09-01,src`)), /2026-09-g3\.csv:48: .*6 decimals/);
    });
    test('comma inside a field', () => {
      assert.throws(withCatalog(append('2026-09-g3.csv', `${M}x,standard,global,1,0.1,1,2026-09-01,src, with comma`)), /2026-09-g3\.csv:48: expected 8 fields/);
    });
    test('bad enum and bad date', () => {
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,turbo,global,1,1,0,2026-01-01,src')), /embeddings\.csv:5: serving_path/);
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,standard,global,1,1,0,2026-02-30,src')), /embeddings\.csv:5: effective_from/);
    });
    test('dollar sign', () => {
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,standard,global,$1,1,0,2026-01-01,src')), /embeddings\.csv:5: input_usd_per_mtok/);
    });
    test('duplicate key across files', () => {
      assert.throws(withCatalog((d) => fs.writeFileSync(path.join(d, '2026-09-extra.csv'), `${H}\n${M}kimi-k3,standard,global,3.00,0.30,15.00,2026-09-01,dup\n`)), /duplicate/);
    });
    test('cached > input, odd micros, missing cached', () => {
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,standard,global,1,2,0,2026-01-01,src')), /cached input price exceeds/);
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,standard,global,0.000001,0,0,2026-01-01,src')), /odd micro rate/);
      assert.throws(withCatalog(append('embeddings.csv', 'foo/bar,standard,global,1,,0,2026-01-01,src')), /embeddings\.csv:5: cached_input_usd_per_mtok is required/);
    });
    test('unknown size bucket / wrong header', () => {
      assert.throws(withCatalog(append('model-sizes.csv', `${M}x,huge`)), /model-sizes\.csv:12: unknown bucket/);
      assert.throws(withCatalog((d) => fs.writeFileSync(path.join(d, 'bad.csv'), 'model,price\nx,1\n')), /bad\.csv:1: header/);
    });
  });
});
