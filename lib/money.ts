/** Integer micro-dollars as a fixed six-decimal dollar string, exactly (no float division): 33000 → "0.033000". */
export function microsToUsdString(micros: number): string {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`not a safe integer: ${micros}`);
  const digits = String(Math.abs(micros)).padStart(7, '0');
  return `${micros < 0 ? '-' : ''}${digits.slice(0, -6)}.${digits.slice(-6)}`;
}

/** Sums micro-dollar amounts; throws rather than silently lose precision past 2^53 (≈ $9 billion). */
export function sumMicros(values: Iterable<number | null | undefined>): number {
  let total = 0;
  for (const v of values) if (v != null) total += v;
  if (!Number.isSafeInteger(total)) throw new RangeError('micro-dollar total exceeds the exact integer range');
  return total;
}
