/** Errors Meter itself returns when Fireworks cannot be reached, in the OpenAI-style envelope clients parse. */
export type GatewayFailure = 'upstream_unreachable' | 'upstream_timeout' | 'bad_request_path' | 'request_too_large';

const STATUS: Record<GatewayFailure, number> = { upstream_unreachable: 502, upstream_timeout: 504, bad_request_path: 400, request_too_large: 413 };

export function gatewayError(failure: GatewayFailure, message: string): { status: number; body: string } {
  return {
    status: STATUS[failure],
    body: JSON.stringify({ error: { object: 'error', type: 'gateway_error', code: failure, message } }),
  };
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

export function classifyUpstreamError(error: unknown): GatewayFailure {
  const code = (error as { code?: string } | null)?.code;
  return code && TIMEOUT_CODES.has(code) ? 'upstream_timeout' : 'upstream_unreachable';
}

/** The `code` (or `type`) from an upstream error body, in either Fireworks or Anthropic shape. */
export function upstreamErrorCode(body: string): string | null {
  try {
    const json = JSON.parse(body) as { error?: unknown; code?: unknown; type?: unknown };
    const inner = typeof json.error === 'object' && json.error !== null ? (json.error as { code?: unknown; type?: unknown }) : json;
    const code = inner.code ?? inner.type ?? (typeof json.error === 'string' ? json.error : undefined);
    return code === undefined || code === null ? null : String(code);
  } catch {
    return null;
  }
}
