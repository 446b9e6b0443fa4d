/**
 * Money is exact. Every rate is a whole number of micro-dollars per 1M tokens, so a call's cost,
 * tokens × rate, is a whole number of pico-dollars (1e-12 $). Calls store that integer; sums are
 * BigInt (or, in the rollups, whole micro-dollars plus a sub-micro remainder in pico-dollars, so no
 * 64-bit column overflows below $9 trillion). Rounding happens only where a figure is shown.
 * Client-safe: no Node imports.
 */
export const PICO_PER_MICRO = 1_000_000n;
export const PICO_PER_USD = 1_000_000_000_000n;

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** An exact amount from a database or JSON value: integer numbers, bigint, or integer strings. */
export function toPico(value: bigint | number | string | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not an exact integer amount: ${value}`);
    return BigInt(value);
  }
  if (!/^-?\d+$/.test(value)) throw new RangeError(`not an integer amount: "${value}"`);
  return BigInt(value);
}

/** Whole micro-dollars plus a pico-dollar remainder (the rollups' two columns per money measure). */
export function picoFromParts(micros: bigint | number | string | null | undefined, remainderPico: bigint | number | string | null | undefined): bigint {
  return toPico(micros) * PICO_PER_MICRO + toPico(remainderPico);
}

/**
 * Exact decimal dollars: at least `minPlaces` decimals, more only when the amount needs them
 * (40_000n → "0.00000004", 33_000_000_000n → "0.033000"). Never float noise, never rounded.
 */
export function picoToUsdString(pico: bigint | number, minPlaces = 6): string {
  const value = toPico(pico);
  const digits = (value < 0n ? -value : value).toString().padStart(13, '0');
  const whole = digits.slice(0, -12);
  let fraction = digits.slice(-12).replace(/0+$/, '');
  if (fraction.length < minPlaces) fraction = fraction.padEnd(minPlaces, '0');
  return `${value < 0n ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Rounded half away from zero to whole micro-dollars, for display and sorting only. */
export function picoToMicros(pico: bigint): number {
  const half = PICO_PER_MICRO / 2n;
  const micros = pico >= 0n ? (pico + half) / PICO_PER_MICRO : -((-pico + half) / PICO_PER_MICRO);
  return Number(micros);
}

/** A plain decimal dollar string ("12.5", "0.000000000001") to exact pico-dollars; null when it is not one. */
export function parseUsdToPico(usd: string): bigint | null {
  const m = DECIMAL_RE.exec(usd.trim());
  if (!m || (m[3]?.length ?? 0) > 12) return null;
  const pico = BigInt(m[2]!) * PICO_PER_USD + BigInt((m[3] ?? '').padEnd(12, '0'));
  return m[1] ? -pico : pico;
}

/** Sums exact amounts. */
export function sumPico(values: Iterable<bigint | number | null | undefined>): bigint {
  let total = 0n;
  for (const v of values) if (v !== null && v !== undefined) total += toPico(v);
  return total;
}
