import { PICO_PER_USD } from '@/lib/money';

/**
 * Exact spend per label set: calls add whole pico-dollars (a BigInt sum never rounds, where a float
 * counter fed a cost per call would drift), and a scrape turns each sum into dollars once.
 */
export class ExactDollars<L extends Record<string, string> = { model: string; serving_path: string }> {
  private readonly sums = new Map<string, { labels: L; pico: bigint }>();

  add(labels: L, pico: number | bigint): void {
    const key = JSON.stringify(labels);
    const entry = this.sums.get(key);
    if (entry) entry.pico += BigInt(pico);
    else this.sums.set(key, { labels, pico: BigInt(pico) });
  }

  *totals(): Iterable<{ labels: L; dollars: number }> {
    for (const { labels, pico } of this.sums.values()) yield { labels, dollars: picoToDollars(pico) };
  }
}

/** Whole dollars and the fraction apart, so a large sum keeps its cents in the one float it becomes. */
export function picoToDollars(pico: bigint): number {
  return Number(pico / PICO_PER_USD) + Number(pico % PICO_PER_USD) / 1e12;
}
