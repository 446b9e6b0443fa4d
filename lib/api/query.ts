import type { z } from 'zod';
import { badRequest } from './bad-request';

export type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };

/** Validates a URL's query string; a failure is a 400 carrying zod's message. */
export function parseQuery<S extends z.ZodType>(schema: S, requestUrl: string): Parsed<z.infer<S>> {
  const params = new URL(requestUrl).searchParams;
  const input: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    input[key] = values.length > 1 ? values : values[0]!;
  }
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, response: badRequest(result.error) };
}
