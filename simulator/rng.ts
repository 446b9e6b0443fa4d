/** Small seeded PRNG (mulberry32) so every random choice in the simulator is reproducible. */
import { createRandom } from '@/lib/random';

export type Rng = () => number;

export const createRng: (seed: number) => Rng = createRandom;

/** Integer in [min, max], inclusive. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

/** FNV-1a, 32-bit: a stable hash for deriving deterministic values from text. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
