import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The caller as far as we can trust it: X-Forwarded-* only count when a configured proxy sent them. */
export interface ClientView {
  address: string;
  https: boolean;
}

const firstValue = (header: string | string[] | undefined) => (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.trim();

export function clientView(req: IncomingMessage, trustedProxies: readonly string[]): ClientView {
  const peer = normaliseAddress(req.socket.remoteAddress ?? 'unknown');
  const direct = { address: peer, https: Boolean((req.socket as TLSSocket).encrypted) };
  if (!trustedProxies.includes(peer)) return direct;
  const forwardedFor = firstValue(req.headers['x-forwarded-for']);
  const forwardedProto = firstValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  return { address: forwardedFor ? normaliseAddress(forwardedFor) : peer, https: forwardedProto ? forwardedProto === 'https' : direct.https };
}

/** IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d; compare them in their plain form. */
function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/**
 * A state change from a browser must come from a page of ours: Origin (or, without it, Referer)
 * names the host the request was sent to. Blocks cross-site form posts riding on the session cookie.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const host = req.headers.host;
  if (!host) return false;
  const source = req.headers.origin ?? req.headers.referer;
  if (!source || source === 'null') return false;
  try {
    return new URL(source).host === host;
  } catch {
    return false;
  }
}
