import { MAX_TOKENS_PER_CALL } from './bounds';

/** What `perf_metrics` (asked for with `perf_metrics_in_response`) says, in our units. */
export interface PerfMetrics {
  promptTokens: number | null;
  cachedPromptTokens: number | null;
  serverTtftMs: number | null;
  serverProcessingMs: number | null;
}

/** Numbers may come as numbers or numeric strings (UNCONFIRMED which); anything else is unknown. */
function numberOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const tokens = (v: unknown) => {
  const n = numberOf(v);
  return n !== null && Number.isInteger(n) && n <= MAX_TOKENS_PER_CALL ? n : null;
};
const ms = (v: unknown) => {
  const s = numberOf(v);
  return s !== null && s < 1e7 ? Math.round(s * 1000) : null;
};

/** The `perf_metrics` object of a response body or final chunk; undefined when there is none. */
export function readPerfMetrics(value: unknown): PerfMetrics | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const m = value as Record<string, unknown>;
  return {
    promptTokens: tokens(m['prompt-tokens']),
    cachedPromptTokens: tokens(m['cached-prompt-tokens']),
    serverTtftMs: ms(m['server-time-to-first-token']),
    serverProcessingMs: ms(m['server-processing-time']),
  };
}

/**
 * Whether the cached-prompt-token counts a call was given disagree: `usage`, the
 * `fireworks-cached-prompt-tokens` header and `perf_metrics`, each where present. Null when fewer
 * than two were given (nothing to compare). Cached-token loss is the most reported cost bug across
 * gateways; this makes it visible.
 */
export function cachedTokensDisagree(...counts: (number | null | undefined)[]): boolean | null {
  const given = counts.filter((c): c is number => c !== null && c !== undefined);
  if (given.length < 2) return null;
  return given.some((c) => c !== given[0]);
}
