import type { ServerResponse } from 'node:http';

/**
 * Headers on every dashboard response. Next.js streams its page data in inline scripts, so scripts
 * are limited to this origin plus inline (and eval in dev mode, for hot reload); nothing may be
 * loaded from elsewhere, framed, or sniffed into another type.
 */
export function setDashboardSecurityHeaders(res: ServerResponse, dev: boolean): void {
  res.setHeader(
    'content-security-policy',
    [
      "default-src 'self'",
      `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ''}`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'same-origin');
}
