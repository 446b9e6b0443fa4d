import type { IncomingMessage } from 'node:http';
import type { MeterDb } from '@/db/database';
import { cookieValue } from '@/lib/auth/cookies';
import { requestPath } from '@/lib/auth/request-path';
import { changesState, type Role } from '@/lib/auth/roles';
import { findSession, isWellFormedSecret, SESSION_COOKIE } from '@/lib/auth/sessions';
import { bearerToken, roleForToken, type RoleTokens } from '@/lib/auth/tokens';
import { isSameOrigin } from './client';

export interface Caller {
  role: Role;
  /** Set when the caller came with a session cookie rather than a bearer token. */
  sessionId?: number;
}

export type Access =
  | { kind: 'public'; pathname: string; caller?: Caller }
  | { kind: 'allowed'; pathname: string; caller: Caller }
  | { kind: 'refused'; status: 302 | 400 | 401 | 403 | 404; error: string; location?: string; clearSession?: boolean };

/** Reachable without a token: the login page and its assets, the login and logout calls, health. */
export function isPublicPath(pathname: string): boolean {
  return (
    pathname === '/login' ||
    pathname === '/api/login' ||
    pathname === '/api/logout' ||
    pathname === '/healthz' ||
    pathname === '/favicon.ico' ||
    pathname.startsWith('/_next/static/')
  );
}

export interface GateContext {
  db: MeterDb;
  tokens: RoleTokens;
}

/**
 * Every request that is not a proxied inference call passes here before Next.js sees it. The
 * decision is made on a path that Next.js cannot resolve to anything else (see requestPath). Async
 * only for a session cookie, which is looked up in the database.
 */
export async function decideAccess(req: IncomingMessage, { db, tokens }: GateContext): Promise<Access> {
  const path = requestPath(req.url);
  if (!path.ok) return { kind: 'refused', status: 404, error: `Not found (${path.reason}).` };
  const { pathname } = path;
  // Public paths need no identity (static chunks would each cost a session lookup), except
  // /healthz, which shows its details to a caller with a token.
  if (isPublicPath(pathname)) {
    const caller = pathname === '/healthz' ? await identify(req, db, tokens) : undefined;
    return { kind: 'public', pathname, caller: caller === 'malformed' ? undefined : caller };
  }
  const caller = await identify(req, db, tokens);
  if (caller === 'malformed') return { kind: 'refused', status: 400, error: 'Malformed session cookie; it has been cleared, log in again.', clearSession: true };
  const isApi = pathname.startsWith('/api/');
  if (!caller) {
    if (isApi) return { kind: 'refused', status: 401, error: 'Log in, or send Authorization: Bearer <token>.' };
    return { kind: 'refused', status: 302, error: 'Log in first.', location: `/login?next=${encodeURIComponent(pathname + path.search)}` };
  }
  if (changesState(req.method)) {
    if (caller.role !== 'admin') return { kind: 'refused', status: 403, error: 'This changes settings or history, which needs the admin token; the viewer token is read-only.' };
    if (caller.sessionId !== undefined && !isSameOrigin(req)) return { kind: 'refused', status: 403, error: 'Cross-site request refused: the Origin (or Referer) header must be this site.' };
  }
  return { kind: 'allowed', pathname, caller };
}

/** A bearer token wins over the cookie; a wrong bearer token is no credential at all. */
async function identify(req: IncomingMessage, db: MeterDb, tokens: RoleTokens): Promise<Caller | undefined | 'malformed'> {
  const bearer = bearerToken(req.headers.authorization);
  if (bearer) {
    const role = roleForToken(bearer, tokens);
    return role ? { role } : undefined;
  }
  const secret = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (secret === undefined || secret === '') return undefined;
  if (!isWellFormedSecret(secret)) return 'malformed';
  const session = await findSession(db, secret);
  return session ? { role: session.role, sessionId: session.id } : undefined;
}
