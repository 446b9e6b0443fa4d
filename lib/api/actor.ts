import { isRole, ROLE_HEADER, SESSION_HEADER } from '@/lib/auth/roles';
import type { Actor } from '@/lib/audit/audit-log';

/**
 * The caller the gate let through (lib/server/gate.ts sets these headers after removing any the
 * client sent). Undefined only if a request reached Next.js around the gate, which it cannot.
 */
export function requestActor(request: Request): Actor | undefined {
  const role = request.headers.get(ROLE_HEADER);
  if (!isRole(role)) return undefined;
  const session = Number(request.headers.get(SESSION_HEADER));
  return { role, sessionId: Number.isInteger(session) && session > 0 ? session : undefined };
}

export const noActor = () => Response.json({ error: 'No caller identity on this request.' }, { status: 403 });
