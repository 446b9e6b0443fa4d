/**
 * Slows wrong logins per client address: the first few are free, then each one doubles the wait
 * before the next attempt is heard (1 s, 2 s, 4 s ... up to 15 minutes). A right token clears it.
 */
const FREE_FAILURES = 3;
const MAX_DELAY_MS = 15 * 60_000;
const MAX_ADDRESSES = 10_000;

interface Failures {
  count: number;
  last: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Milliseconds until this address may try again (0: now). */
  retryAfterMs(address: string, now = Date.now()): number {
    const entry = this.failures.get(address);
    if (!entry || entry.count < FREE_FAILURES) return 0;
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** (entry.count - FREE_FAILURES));
    return Math.max(0, entry.last + delay - now);
  }

  failed(address: string, now = Date.now()): void {
    const entry = this.failures.get(address) ?? { count: 0, last: now };
    this.failures.delete(address); // re-insert: the map's order is then oldest failure first
    this.failures.set(address, { count: entry.count + 1, last: now });
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(address: string): void {
    this.failures.delete(address);
  }
}
