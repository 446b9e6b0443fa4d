import type { Cost, PriceRow, ServingPath, TokenCounts } from './types';

/**
 * Exact cost arithmetic.
 *
 * Rates are integer micro-dollars per 1M tokens, so tokens × rate is the exact cost in
 * pico-dollars (1e-12 $): computed in BigInt and stored as is, never rounded (see lib/money.ts).
 */

function tokenCount(name: string, v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return BigInt(v);
}

function rate(name: string, v: number): bigint {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${name} must be non-negative integer micros, got ${v}`);
  return BigInt(v);
}

/** A per-call amount as a JS number; above 2^53 pico-dollars (about $9,007 for one call) it could not stay exact. */
function exact(name: string, pico: bigint): number {
  if (pico > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${name} of one call exceeds $9,007: not a believable usage report`);
  return Number(pico);
}

/**
 * Cost of one request, in exact pico-dollars. `promptTokens` INCLUDES cached tokens; cached is
 * clamped to [0, prompt]. The components sum to the total exactly.
 * `cacheSavingsPico` = cached × (input − cached rate).
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
    inputPico: exact('input cost', inputPico),
    cachedInputPico: exact('cached input cost', cachedPico),
    outputPico: exact('output cost', outputPico),
    totalPico: exact('cost', inputPico + cachedPico + outputPico),
    cacheSavingsPico: exact('cache savings', cached * (inRate - cachedRate)),
  };
}

/**
 * A derived path's price: `percent` of each rate of the given Standard row (cached rate included;
 * Batch's cached share is UNCONFIRMED in the docs and assumed to be the same). Rates stay whole
 * micro-dollars; a share that would not be whole is rounded half up, and the row's source says so.
 */
export function derivedPrice(row: PriceRow, servingPath: ServingPath, percent: number): PriceRow {
  let rounded = false;
  const share = (v: number) => {
    const exact = (v * percent) / 100;
    if (Number.isInteger(exact)) return exact;
    rounded = true;
    return Math.floor(exact + 0.5);
  };
  const rates = {
    inputMicrosPerMtok: share(row.inputMicrosPerMtok),
    cachedInputMicrosPerMtok: share(row.cachedInputMicrosPerMtok),
    outputMicrosPerMtok: share(row.outputMicrosPerMtok),
  };
  return { ...row, ...rates, servingPath, source: `${row.source}; ${servingPath} = ${percent}% of Standard${rounded ? ' (rates rounded to whole micro-dollars)' : ''}` };
}

/** Batch: 50% of the Standard row; catalog Standard rows are even, so this is always exact. */
export function batchPrice(row: PriceRow): PriceRow {
  if ([row.inputMicrosPerMtok, row.cachedInputMicrosPerMtok, row.outputMicrosPerMtok].some((v) => !Number.isSafeInteger(v) || v % 2 !== 0)) {
    throw new RangeError(`rates of ${row.model} cannot be halved exactly`);
  }
  const batch = derivedPrice(row, 'batch', 50);
  return { ...batch, source: `${row.source}; batch = 50% of serverless` };
}
