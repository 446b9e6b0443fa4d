// Client-safe: the Settings page shows these rules and edits these settings.
import { z } from 'zod';
import type { WatchType } from './payload';

/** Each watch's switch and threshold, as Settings edits them. */
export const watchSettingsSchema = z.strictObject({
  'spend.anomaly': z.strictObject({ enabled: z.boolean(), factor: z.number().min(1.1).max(100), minUsd: z.number().min(0).max(1e9) }),
  'cache.drop': z.strictObject({ enabled: z.boolean(), points: z.number().min(1).max(100), minPromptTokens: z.number().int().min(0) }),
  'headroom.low': z.strictObject({ enabled: z.boolean(), below: z.number().gt(0).lt(1) }),
  'pricing.unpriced': z.strictObject({ enabled: z.boolean() }),
  'errors.rate': z.strictObject({ enabled: z.boolean(), share: z.number().gt(0).max(1), minRequests: z.number().int().min(1) }),
});
export type WatchSettings = z.infer<typeof watchSettingsSchema>;

export const DEFAULT_WATCH_SETTINGS: WatchSettings = {
  'spend.anomaly': { enabled: true, factor: 3, minUsd: 5 },
  'cache.drop': { enabled: true, points: 15, minPromptTokens: 100_000 },
  'headroom.low': { enabled: true, below: 0.2 },
  'pricing.unpriced': { enabled: true },
  'errors.rate': { enabled: true, share: 0.05, minRequests: 20 },
};

/** The rule each watch applies, in words, for Settings (filled with its current thresholds). */
export const WATCH_RULES: { [W in WatchType]: (s: WatchSettings[W]) => string } = {
  'spend.anomaly': (s) => `spend in the last full hour is above ${s.factor}× the median of the same hour on the 7 days before, and above $${s.minUsd}`,
  'cache.drop': (s) => `a model's token-weighted cache hit rate over the last hour is more than ${s.points} points below its last 7 days (with at least ${s.minPromptTokens.toLocaleString('en-US')} prompt tokens in the hour)`,
  'headroom.low': (s) => `headroom on any of Fireworks' three meters, as Fireworks reports it (or Meter's own count when lower), is under ${Math.round(s.below * 100)}% in the last 15 minutes`,
  'pricing.unpriced': () => 'a model was called in the last hour with usage but no price row',
  'errors.rate': (s) => `429, 402 and 503 answers are more than ${(s.share * 100).toFixed(1)}% of the last 15 minutes' calls (at least ${s.minRequests} calls)`,
};
