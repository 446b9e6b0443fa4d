import type { IncomingHttpHeaders } from 'node:http';
import { classifyServingPath } from '@/lib/pricing/lookup';
import type { Region, ServingPath } from '@/lib/pricing/types';
import { fingerprintApiKey } from './api-key';
import { parseAnnotations, type Annotations } from './annotations';
import { RECORDED_ENDPOINTS, type RecordedEndpoint } from './endpoints';

// the list and its labels live in ./endpoints (the browser reads them too)
export { CACHED_ENDPOINTS, RECORDED_ENDPOINTS, type RecordedEndpoint } from './endpoints';

export function recordedEndpoint(method: string | undefined, subpath: string): RecordedEndpoint | undefined {
  if (method !== 'POST') return undefined;
  return (RECORDED_ENDPOINTS as readonly string[]).includes(subpath) ? (subpath as RecordedEndpoint) : undefined;
}

/** What the request itself tells us; the response adds tokens, timings and limits. */
export interface RequestFacts extends Annotations {
  endpoint: RecordedEndpoint;
  model: string;
  stream: boolean;
  servingPath: ServingPath;
  region: Region;
  apiKey: string;
  user: string | null;
  sessionAffinity: string | null;
}

function stringField(body: Record<string, unknown>, key: string): string | null {
  const v = body[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function readRequestFacts(
  endpoint: RecordedEndpoint,
  body: Record<string, unknown>,
  headers: IncomingHttpHeaders,
  upstreamHost: string,
): RequestFacts {
  const model = stringField(body, 'model') ?? 'unknown';
  const { servingPath, region } = classifyServingPath({ model, serviceTier: body.service_tier, upstreamHost });
  const user = stringField(body, 'user');
  // Fireworks' own precedence for cache routing: header, then prompt_cache_key, then user
  const sessionAffinity = headerValue(headers, 'x-session-affinity') || stringField(body, 'prompt_cache_key') || user;
  return {
    endpoint,
    model,
    stream: body.stream === true,
    servingPath,
    region,
    apiKey: fingerprintApiKey(headerValue(headers, 'authorization') ?? headerValue(headers, 'x-api-key')),
    user,
    sessionAffinity: sessionAffinity ?? null,
    ...parseAnnotations(headerValue(headers, 'fireworks-annotations')),
  };
}
