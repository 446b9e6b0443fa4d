import { MAX_HEADER_TEXT, MAX_TOKENS_PER_CALL } from './bounds';

/** What Fireworks tells us in response headers (names are case-insensitive; Node lower-cases them). */
export interface FireworksHeaderFacts {
  upstreamRequestId: string | null;
  headerPromptTokens: number | null;
  headerCachedPromptTokens: number | null;
  serverTtftMs: number | null;
  serverProcessingMs: number | null;
  limitPromptTpm: number | null;
  limitUncachedPromptTpm: number | null;
  limitGeneratedTpm: number | null;
  remainingPromptTokens: number | null;
  remainingUncachedPromptTokens: number | null;
  remainingGeneratedTokens: number | null;
  overLimit: string | null;
  /** Retry-After (Spot's 429 and 503), in whole seconds. */
  retryAfterS: number | null;
}

export type RateLimitHeaderUnit = 'tpm' | 'tps';
type HeaderBag = Record<string, string | string[] | undefined>;

function first(headers: HeaderBag, name: string): string | undefined {
  const v = headers[name];
  return (Array.isArray(v) ? v[0] : v)?.slice(0, MAX_HEADER_TEXT);
}

function integerHeader(headers: HeaderBag, name: string): number | null {
  const v = first(headers, name);
  if (v === undefined || !/^\s*\d+\s*$/.test(v)) return null;
  const n = Number(v);
  return n <= MAX_TOKENS_PER_CALL ? n : null;
}

/** Server timings come as decimal seconds ("0.25"); we keep whole milliseconds. */
function secondsHeaderAsMs(headers: HeaderBag, name: string): number | null {
  const v = first(headers, name);
  if (v === undefined) return null;
  const seconds = Number(v);
  return Number.isFinite(seconds) && seconds >= 0 && seconds < 1e7 ? Math.round(seconds * 1000) : null;
}

/** Seconds, or an HTTP date (seconds from now); anything else or beyond a day is unknown. */
function retryAfterSeconds(headers: HeaderBag, now = Date.now()): number | null {
  const v = first(headers, 'retry-after')?.trim();
  if (!v) return null;
  const seconds = /^\d+$/.test(v) ? Number(v) : Math.ceil((Date.parse(v) - now) / 1000);
  return Number.isFinite(seconds) && seconds >= 0 && seconds <= 86_400 ? seconds : null;
}

function perMinute(value: number | null, unit: RateLimitHeaderUnit): number | null {
  return value === null ? null : unit === 'tps' ? value * 60 : value;
}

export function readFireworksHeaders(headers: HeaderBag, unit: RateLimitHeaderUnit): FireworksHeaderFacts {
  const limit = (meter: string) => perMinute(integerHeader(headers, `x-ratelimit-limit-tokens-${meter}`), unit);
  return {
    upstreamRequestId: first(headers, 'x-request-id') ?? null,
    headerPromptTokens: integerHeader(headers, 'fireworks-prompt-tokens'),
    headerCachedPromptTokens: integerHeader(headers, 'fireworks-cached-prompt-tokens'),
    serverTtftMs: secondsHeaderAsMs(headers, 'fireworks-server-time-to-first-token'),
    serverProcessingMs: secondsHeaderAsMs(headers, 'fireworks-server-processing-time'),
    limitPromptTpm: limit('prompt'),
    limitUncachedPromptTpm: limit('cache-adjusted-prompt'),
    limitGeneratedTpm: limit('generated'),
    // in the limits' unit, so remaining / limit is a share whatever RATE_LIMIT_HEADER_UNIT says
    remainingPromptTokens: perMinute(integerHeader(headers, 'x-ratelimit-remaining-tokens-prompt'), unit),
    remainingUncachedPromptTokens: perMinute(integerHeader(headers, 'x-ratelimit-remaining-tokens-cache-adjusted-prompt'), unit),
    remainingGeneratedTokens: perMinute(integerHeader(headers, 'x-ratelimit-remaining-tokens-generated'), unit),
    overLimit: first(headers, 'x-ratelimit-over-limit') ?? null,
    retryAfterS: retryAfterSeconds(headers),
  };
}
