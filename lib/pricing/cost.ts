import type { Cost, PriceRow, TokenCounts } from './types';

/**
 * Exact cost arithmetic.
 *
 * Rates are integer micro-dollars per 1M tokens, so tokens × rate is the exact cost in
 * pico-dollars (1e-12 $). Everything is computed in BigInt (no overflow, no float error) and
 * rounded once, half up, from pico- to micro-dollars.
 */

const PICO_PER_MICRO = 1_000_000n;

/** Round half up (towards +infinity on .5) from pico- to micro-dollars; works for negatives too. */
function picoToMicros(pico: bigint): number {
  const q = pico >= 0n ? (pico + PICO_PER_MICRO / 2n) / PICO_PER_MICRO : -((-pico + PICO_PER_MICRO / 2n - 1n) / PICO_PER_MICRO);
  return Number(q);
}

function tokenCount(name: string, v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return BigInt(v);
}

function rate(name: string, v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be non-negative integer micros, got ${v}`);
  return BigInt(v);
}

/**
 * Cost of one request. `promptTokens` INCLUDES cached tokens; cached is clamped to [0, prompt].
 * Components are each rounded; `totalMicros` is the rounded exact sum (so it can differ from the
 * sum of the rounded components by ±1). `cacheSavingsMicros` = cached × (input − cached rate).
 */
export function computeCost(tokens: TokenCounts, price: PriceRow): Cost {
  const prompt = tokenCount('promptTokens', tokens.promptTokens);
  const completion = tokenCount('completionTokens', tokens.completionTokens);
  const rawCached = Number.isFinite(tokens.cachedPromptTokens) ? Math.trunc(tokens.cachedPromptTokens) : 0;
  let cached = BigInt(Math.max(0, rawCached));
  if (cached > prompt) cached = prompt;
  const uncached = prompt - cached;

  const inRate = rate('inputMicrosPerMtok', price.inputMicrosPerMtok);
  const cachedRate = rate('cachedInputMicrosPerMtok', price.cachedInputMicrosPerMtok);
  const outRate = rate('outputMicrosPerMtok', price.outputMicrosPerMtok);

  const inputPico = uncached * inRate;
  const cachedPico = cached * cachedRate;
  const outputPico = completion * outRate;
  return {
    inputMicros: picoToMicros(inputPico),
    cachedInputMicros: picoToMicros(cachedPico),
    outputMicros: picoToMicros(outputPico),
    totalMicros: picoToMicros(inputPico + cachedPico + outputPico),
    cacheSavingsMicros: picoToMicros(cached * (inRate - cachedRate)),
  };
}

/**
 * Batch price: 50% of each rate of the given (standard) row, including the cached rate
 * (the batch cached rate is UNCONFIRMED in the docs; 50% of the model's cached rate is assumed).
 *
 * Exactness: rates stay integer micros. The catalog loader rejects odd micro rates on standard
 * rows, so halving a catalog row is always exact; an odd rate passed here throws instead of
 * silently rounding.
 */
export function batchPrice(row: PriceRow): PriceRow {
  const half = (name: string, v: number): number => {
    if (!Number.isSafeInteger(v) || v % 2 !== 0) {
      throw new RangeError(`${name} of ${row.model} (${v} micros) cannot be halved exactly`);
    }
    return v / 2;
  };
  return {
    ...row,
    servingPath: 'batch',
    inputMicrosPerMtok: half('inputMicrosPerMtok', row.inputMicrosPerMtok),
    cachedInputMicrosPerMtok: half('cachedInputMicrosPerMtok', row.cachedInputMicrosPerMtok),
    outputMicrosPerMtok: half('outputMicrosPerMtok', row.outputMicrosPerMtok),
    source: `${row.source}; batch = 50% of serverless`,
  };
}
