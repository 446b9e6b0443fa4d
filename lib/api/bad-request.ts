import type { z } from 'zod';

/**
 * A 400 for input zod refused: `error` is one readable line (each problem once, after the name of
 * the field it is about), `issues` keeps zod's detail for programs.
 */
export function badRequest(error: z.ZodError): Response {
  const issues = error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code, message: i.message }));
  const sentences = [...new Set(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)))];
  return Response.json({ error: sentences.join('; '), issues }, { status: 400 });
}
