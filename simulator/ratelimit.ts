/**
 * Adaptive per-(API key, model) token rate limits, after docs.fireworks.ai/serverless/rate-limits:
 * three meters over a trailing 60 s window, starting at the documented starting limits and growing
 * toward the Large-tier ceilings while usage stays above half the limit (shrinking back when idle).
 */
export interface Meters {
  prompt: number;
  uncached: number;
  generated: number;
}

const METERS = ['prompt', 'uncached', 'generated'] as const;
const HEADER_NAME: Record<keyof Meters, string> = {
  prompt: 'prompt',
  uncached: 'cache-adjusted-prompt',
  generated: 'generated',
};

export const STARTING_LIMITS: Meters = { prompt: 3_600_000, uncached: 900_000, generated: 36_000 };
export const LARGE_CEILINGS: Meters = { prompt: 21_600_000, uncached: 5_400_000, generated: 216_000 };

const WINDOW_MS = 60_000;
const GROW_EVERY_MS = 10_000;
const GROW_FACTOR = 1.5;
const NEAR_CAPACITY = 0.8;

interface Bucket {
  limits: Meters;
  changedAt: Meters;
  events: { at: number; usage: Meters }[];
  used: Meters;
}

export type RateLimitUnit = 'tpm' | 'tps';

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly unit: RateLimitUnit = 'tpm',
    private readonly starting: Meters = STARTING_LIMITS,
    private readonly ceilings: Meters = LARGE_CEILINGS,
    private readonly now: () => number = Date.now,
  ) {}

  /** False once any meter's trailing-minute usage has reached its current limit. */
  allows(apiKey: string, model: string): boolean {
    const bucket = this.bucket(apiKey, model);
    return METERS.every((m) => bucket.used[m] < bucket.limits[m]);
  }

  record(apiKey: string, model: string, usage: Meters): void {
    const bucket = this.bucket(apiKey, model);
    bucket.events.push({ at: this.now(), usage });
    for (const m of METERS) bucket.used[m] += usage[m];
    this.adapt(bucket);
  }

  /** x-ratelimit-* headers for the bucket as it stands now. */
  headers(apiKey: string, model: string): Record<string, string> {
    const bucket = this.bucket(apiKey, model);
    const scale = this.unit === 'tps' ? 60 : 1;
    const headers: Record<string, string> = {};
    for (const m of METERS) headers[`x-ratelimit-limit-tokens-${HEADER_NAME[m]}`] = String(Math.floor(bucket.limits[m] / scale));
    for (const m of METERS) {
      const remaining = Math.max(0, bucket.limits[m] - bucket.used[m]);
      headers[`x-ratelimit-remaining-tokens-${HEADER_NAME[m]}`] = String(Math.floor(remaining / scale));
    }
    // Legacy docs: "yes" = the request was processed but you are near capacity.
    const near = METERS.some((m) => bucket.used[m] >= bucket.limits[m] * NEAR_CAPACITY);
    headers['x-ratelimit-over-limit'] = near ? 'yes' : 'no';
    return headers;
  }

  private bucket(apiKey: string, model: string): Bucket {
    // Model ids already separate Fast routers from their base model; Priority shares via the same id.
    const key = `${apiKey}\u0000${model}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const t = this.now();
      bucket = {
        limits: { ...this.starting },
        changedAt: { prompt: t, uncached: t, generated: t },
        events: [],
        used: { prompt: 0, uncached: 0, generated: 0 },
      };
      this.buckets.set(key, bucket);
    }
    this.expire(bucket);
    return bucket;
  }

  private expire(bucket: Bucket): void {
    const cutoff = this.now() - WINDOW_MS;
    let drop = 0;
    while (drop < bucket.events.length && (bucket.events[drop] as { at: number }).at <= cutoff) {
      const { usage } = bucket.events[drop] as { usage: Meters };
      for (const m of METERS) bucket.used[m] -= usage[m];
      drop++;
    }
    if (drop) bucket.events.splice(0, drop);
    this.adapt(bucket);
  }

  private adapt(bucket: Bucket): void {
    const t = this.now();
    for (const m of METERS) {
      const limit = bucket.limits[m];
      if (t - bucket.changedAt[m] < GROW_EVERY_MS) continue;
      if (bucket.used[m] > limit / 2 && limit < this.ceilings[m]) {
        bucket.limits[m] = Math.min(this.ceilings[m], Math.round(limit * GROW_FACTOR));
        bucket.changedAt[m] = t;
      } else if (bucket.used[m] < limit / 10 && limit > this.starting[m] && t - bucket.changedAt[m] >= WINDOW_MS) {
        bucket.limits[m] = Math.max(this.starting[m], Math.round(limit / GROW_FACTOR));
        bucket.changedAt[m] = t;
      }
    }
  }
}
