import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestPath } from '@/lib/auth/request-path';
import { bearerToken, tokensMatch } from '@/lib/auth/tokens';
import { sendJson } from '@/lib/http/respond';
import type { MeterMetrics } from './observe';

export const METRICS_PATH = '/metrics';

/**
 * Whether a request is for /metrics, decided on the normalised path (lib/auth/request-path.ts): a
 * percent-encoded spelling of /metrics is /metrics, a query is ignored, and a path the gate refuses
 * (dot or empty segments, encoded slashes) is never /metrics. Paths are case-sensitive: /METRICS
 * is an ordinary dashboard path.
 */
export function isMetricsPath(rawUrl: string | undefined): boolean {
  const path = requestPath(rawUrl);
  return path.ok && path.pathname === METRICS_PATH;
}

export type MetricsAccess = { ok: true } | { ok: false; status: 401 | 404 | 405; error: string; headers?: Record<string, string> };

/**
 * On the main port /metrics takes only METER_METRICS_TOKEN as a bearer token: not the admin or
 * viewer token, not a dashboard session. Without that token configured it is not served there.
 */
export function metricsAccess(req: Pick<IncomingMessage, 'method' | 'headers'>, token: string | undefined): MetricsAccess {
  if (!token) return { ok: false, status: 404, error: 'Metrics are not served on this port: set METER_METRICS_TOKEN (or METRICS_PORT for 127.0.0.1 only).' };
  const presented = bearerToken(req.headers.authorization);
  if (!presented || !tokensMatch(presented, token)) {
    return { ok: false, status: 401, error: 'Send Authorization: Bearer <METER_METRICS_TOKEN>.', headers: { 'www-authenticate': 'Bearer realm="metrics"' } };
  }
  return methodAllowed(req.method);
}

function methodAllowed(method: string | undefined): MetricsAccess {
  return method === 'GET' || method === 'HEAD' ? { ok: true } : { ok: false, status: 405, error: 'Only GET and HEAD.', headers: { allow: 'GET, HEAD' } };
}

export async function sendMetrics(req: IncomingMessage, res: ServerResponse, access: MetricsAccess, metrics: MeterMetrics | undefined): Promise<void> {
  req.resume();
  if (!access.ok) return sendJson(res, access.status, { error: access.error }, access.headers);
  if (!metrics) return sendJson(res, 404, { error: 'Metrics are off.' });
  const text = await metrics.text();
  res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** The open /metrics listener of METRICS_PORT: loopback only, nothing else on it. */
export async function startMetricsServer(port: number, metrics: MeterMetrics): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const access: MetricsAccess = isMetricsPath(req.url) ? methodAllowed(req.method) : { ok: false, status: 404, error: `Not found: this port serves ${METRICS_PATH} only.` };
    sendMetrics(req, res, access, metrics).catch((error: unknown) => {
      console.error('metrics: scrape failed', error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
