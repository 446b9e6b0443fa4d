/** Error bodies, verbatim from the spec (fireworks-api.md §7). */
export interface ErrorReply {
  status: number;
  body: unknown;
}

export type ErrorKind = 'bad_request' | 'unauthorized' | 'model_not_found' | 'path_not_found' | 'rate_limited' | 'overloaded' | 'internal';

const MESSAGE: Record<ErrorKind, string> = {
  bad_request: 'Invalid request',
  unauthorized: 'The API key you provided is invalid.',
  model_not_found: 'Model not found, inaccessible, and/or not deployed',
  path_not_found: 'Not Found',
  rate_limited: 'rate limit exceeded, please try again later',
  overloaded: 'Service Overloaded',
  internal: 'Internal server error',
};

/** Fireworks' own envelope, used on the OpenAI-compatible routes and for pre-routing failures. */
export function fireworksError(kind: ErrorKind, message = MESSAGE[kind], requestId?: string): ErrorReply {
  switch (kind) {
    case 'bad_request':
      return {
        status: 400,
        body: { error: { object: 'error', type: 'invalid_request_error', code: 'invalid_request_error', message }, request_id: requestId },
      };
    case 'unauthorized':
      return { status: 401, body: { error: { message, code: 'UNAUTHORIZED', type: 'error' } } };
    case 'model_not_found':
      return { status: 404, body: { error: { message, param: 'model', code: 'NOT_FOUND' } } };
    case 'path_not_found':
      return { status: 404, body: { error: { message, code: 'NOT_FOUND' } } };
    case 'rate_limited':
      // The 2026-08-05 live capture, as printed: no outer "error" wrapper.
      return { status: 429, body: { object: 'error', type: 'invalid_request_error', code: 'invalid_request_error', message } };
    case 'overloaded':
      return { status: 503, body: { error: { object: 'error', type: 'service_unavailable', code: 503, message } } };
    case 'internal':
      return { status: 500, body: { error: { object: 'error', type: 'internal_server_error', code: 500, message } } };
  }
}

const ANTHROPIC_TYPE: Partial<Record<ErrorKind, string>> = {
  bad_request: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  overloaded: 'overloaded_error',
  internal: 'api_error',
};

/** Errors raised after routing on the Anthropic-compatible route use Anthropic's envelope. */
export function anthropicError(kind: ErrorKind, message = MESSAGE[kind]): ErrorReply {
  const type = ANTHROPIC_TYPE[kind];
  if (!type) return fireworksError(kind, message);
  return { status: fireworksError(kind).status, body: { type: 'error', error: { type, message } } };
}

/** `x-simulate-status` values the simulator honours. */
export const SIMULATED_STATUS: Record<string, ErrorKind> = { '429': 'rate_limited', '503': 'overloaded', '500': 'internal' };
