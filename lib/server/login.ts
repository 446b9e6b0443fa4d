import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { MeterDb } from '@/db/database';
import { clearCookie, cookieValue, setCookie } from '@/lib/auth/cookies';
import type { LoginThrottle } from '@/lib/auth/login-throttle';
import { nextPath } from '@/lib/auth/next-path';
import { createSession, revokeSessionBySecret, SESSION_COOKIE } from '@/lib/auth/sessions';
import { roleForToken, type RoleTokens } from '@/lib/auth/tokens';
import { BodyTooLargeError, readBody } from '@/lib/http/body';
import { sendJson, sendRedirect } from '@/lib/http/respond';
import { clientView, isSameOrigin } from './client';

export interface LoginContext {
  db: MeterDb;
  tokens: RoleTokens;
  throttle: LoginThrottle;
  sessionTtlMs: number;
  trustedProxies: readonly string[];
}

const MAX_LOGIN_BODY = 16 * 1024;
const loginSchema = z.object({ token: z.string().min(1, 'token is required').max(1024), next: z.unknown().optional() });

// The login link's token must not outlive its use: no caching, no Referer carrying it on.
const NO_TRACE = { 'referrer-policy': 'no-referrer' };

/**
 * `/api/login`: the login form (POST, form or JSON) and the printed login link (GET ?token=).
 * A right token starts a server-side session; wrong ones are slowed per client address.
 */
export async function handleLogin(req: IncomingMessage, res: ServerResponse, ctx: LoginContext): Promise<void> {
  const wantsJson = String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
  const refuse = (status: number, error: string, headers = {}) => sendJson(res, status, { error }, { ...NO_TRACE, ...headers });
  if (req.method !== 'GET' && req.method !== 'POST') return refuse(405, 'Use POST (or GET with ?token= from the login link).', { allow: 'GET, POST' });
  if (req.headers.origin && !isSameOrigin(req)) return refuse(403, 'Cross-site login refused.');

  let input: unknown;
  try {
    input = await readLoginInput(req, wantsJson);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuse(413, `Login body over ${MAX_LOGIN_BODY} bytes.`, { connection: 'close' });
    return refuse(400, error instanceof Error ? error.message : 'Unreadable login body.');
  }
  const parsed = loginSchema.safeParse(input);
  if (!parsed.success) return refuse(400, z.prettifyError(parsed.error));
  const next = nextPath(parsed.data.next);
  if (!next.ok) return refuse(400, `Bad \`next\`: ${next.reason}.`);

  const client = clientView(req, ctx.trustedProxies);
  const backToForm = (error: string, extra = '') => `/login?error=${error}${extra}&next=${encodeURIComponent(next.path)}`;
  const wait = ctx.throttle.retryAfterMs(client.address);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    if (wantsJson) return refuse(429, `Too many wrong tokens from this address; try again in ${seconds} s.`, { 'retry-after': String(seconds) });
    return sendRedirect(res, backToForm('slow', `&retry=${seconds}`), NO_TRACE);
  }
  const role = roleForToken(parsed.data.token, ctx.tokens);
  if (!role) {
    ctx.throttle.failed(client.address);
    return wantsJson ? refuse(401, 'That token is not right.') : sendRedirect(res, backToForm('1'), NO_TRACE);
  }
  ctx.throttle.succeeded(client.address);
  const session = await createSession(ctx.db, { role, ttlMs: ctx.sessionTtlMs, clientAddress: client.address, userAgent: req.headers['user-agent'] });
  const cookie = setCookie(SESSION_COOKIE, session.secret, { maxAgeSeconds: ctx.sessionTtlMs / 1000, secure: client.https });
  if (wantsJson) return sendJson(res, 200, { role, expiresAt: new Date(session.expiresAt).toISOString() }, { ...NO_TRACE, 'set-cookie': cookie });
  sendRedirect(res, next.path, { ...NO_TRACE, 'set-cookie': cookie });
}

/** `/api/logout` (POST): ends this browser's session and clears its cookie. */
export async function handleLogout(req: IncomingMessage, res: ServerResponse, ctx: LoginContext): Promise<void> {
  if (req.method !== 'POST') return sendJson(res, 405, { error: 'Use POST to log out.' }, { allow: 'POST' });
  if (req.headers.origin && !isSameOrigin(req)) return sendJson(res, 403, { error: 'Cross-site logout refused.' });
  req.resume();
  const secret = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (secret) await revokeSessionBySecret(ctx.db, secret);
  const cookie = clearCookie(SESSION_COOKIE, clientView(req, ctx.trustedProxies).https);
  if (String(req.headers.accept ?? '').includes('application/json')) return sendJson(res, 200, { loggedOut: true }, { 'set-cookie': cookie });
  sendRedirect(res, '/login', { 'set-cookie': cookie });
}

async function readLoginInput(req: IncomingMessage, json: boolean): Promise<unknown> {
  if (req.method === 'GET') return Object.fromEntries(new URL(req.url ?? '/', 'http://meter.invalid').searchParams);
  const text = (await readBody(req, MAX_LOGIN_BODY)).toString('utf8');
  if (!json) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('The login body is not valid JSON.');
  }
}
