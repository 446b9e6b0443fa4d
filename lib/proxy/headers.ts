import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

// RFC 9110 §7.6.1 connection-specific headers, plus host (set from the upstream URL) and expect:
// Node's server has already answered `100-continue` to the client, and undici refuses to send it.
const HOP_BY_HOP = new Set([
  'expect',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set((Array.isArray(value) ? value.join(',') : value ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
}

/** End-to-end request headers to send upstream, unchanged apart from those a proxy must not pass. */
export function upstreamRequestHeaders(headers: IncomingHttpHeaders, overrides: Record<string, string | undefined>): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    out[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out;
}

/**
 * Upstream response headers to return to the client, plus `nosniff`: the proxy shares the
 * dashboard's origin, so an upstream body must never be read by a browser as a page or script.
 */
export function clientResponseHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>, drop: string[] = []): OutgoingHttpHeaders {
  const listed = connectionListed(headers as IncomingHttpHeaders);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.includes(name)) continue;
    out[name] = value;
  }
  out['x-content-type-options'] = 'nosniff';
  return out;
}
