import type { z } from 'zod';
import { badRequest } from './bad-request';
import type { Parsed } from './query';

/**
 * Validates a JSON request body; a failure is a 400 carrying zod's message. Only
 * `application/json` is accepted, so a cross-site form post can never reach a setting.
 */
export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<Parsed<z.infer<S>>> {
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return { ok: false, response: Response.json({ error: 'Send the body as application/json.' }, { status: 415 }) };
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return { ok: false, response: Response.json({ error: 'The body is not valid JSON.' }, { status: 400 }) };
  }
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, response: badRequest(result.error) };
}
