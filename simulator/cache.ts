import { createHash } from 'node:crypto';

/** Prefix caching works in whole KV blocks, as paged-attention servers do. */
export const CACHE_BLOCK_TOKENS = 16;

/**
 * Replica-local prompt cache. Each store (one per account + model + replica) remembers chained hashes
 * of every 16-token block it has seen; a prompt's cached length is the run of leading blocks already
 * present, i.e. the longest common prefix with any earlier prompt, rounded down to 16 tokens.
 */
export class PromptCache {
  // Map and Set keep insertion order, which makes evicting the oldest entries cheap.
  private readonly stores = new Map<string, Set<string>>();

  constructor(
    private readonly maxStores = 5000,
    private readonly maxBlocksPerStore = 20_000,
  ) {}

  /** Returns the cached token count for `tokens`, then remembers the prompt on that store. */
  lookupAndStore(storeKey: string, tokens: readonly string[], maxLen?: number): number {
    if (maxLen === 0 || tokens.length === 0) return 0;
    const store = this.store(storeKey);
    const blocks = blockHashes(tokens);
    let hits = 0;
    while (hits < blocks.length && store.has(blocks[hits] as string)) hits++;
    for (const block of blocks) {
      store.delete(block);
      store.add(block);
    }
    while (store.size > this.maxBlocksPerStore) store.delete(store.values().next().value as string);

    let cached = Math.min(hits * CACHE_BLOCK_TOKENS, tokens.length - 1);
    if (maxLen !== undefined) cached = Math.min(cached, maxLen);
    return Math.max(0, Math.floor(cached / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS);
  }

  private store(key: string): Set<string> {
    let store = this.stores.get(key);
    if (store) {
      this.stores.delete(key);
    } else {
      store = new Set();
      if (this.stores.size >= this.maxStores) this.stores.delete(this.stores.keys().next().value as string);
    }
    this.stores.set(key, store);
    return store;
  }
}

function blockHashes(tokens: readonly string[]): string[] {
  const hashes: string[] = [];
  let previous = '';
  for (let end = CACHE_BLOCK_TOKENS; end <= tokens.length; end += CACHE_BLOCK_TOKENS) {
    const h = createHash('sha1').update(previous);
    for (let i = end - CACHE_BLOCK_TOKENS; i < end; i++) h.update('\u0000').update(tokens[i] as string);
    previous = h.digest('base64');
    hashes.push(previous);
  }
  return hashes;
}
