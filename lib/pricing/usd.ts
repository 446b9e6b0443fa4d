const USD_RE = /^(\d+)(?:\.(\d+))?$/;

/**
 * Parse a dollar string ("0.00875", "28.125", "3") to integer micro-dollars by string manipulation
 * only (no float multiplication). Rejects signs, exponents, "$", and more than 6 decimals.
 */
export function parseUsdToMicros(usd: string): number {
  const m = USD_RE.exec(usd);
  if (!m) throw new RangeError(`not a plain non-negative decimal dollar amount: "${usd}"`);
  const whole = m[1] ?? '0';
  const frac = m[2] ?? '';
  if (frac.length > 6) throw new RangeError(`more than 6 decimals (sub-micro-dollar): "${usd}"`);
  const micros = BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0') || '0');
  if (micros > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount too large: "${usd}"`);
  return Number(micros);
}

/** Integer micro-dollars back to a minimal dollar string (8750 -> "0.00875"). */
export function formatMicrosAsUsd(micros: number): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`not a safe integer: ${micros}`);
  const neg = micros < 0;
  const abs = String(Math.abs(micros)).padStart(7, '0');
  const whole = abs.slice(0, -6);
  const frac = abs.slice(-6).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}
