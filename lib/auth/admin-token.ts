import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_COOKIE = 'meter_admin';

export interface AdminToken {
  token: string;
  generated: boolean;
}

/** METER_ADMIN_TOKEN when set; otherwise a token generated once and kept (0600) in the data directory. */
export function resolveAdminToken(fromEnv: string | undefined, dataDir: string): AdminToken {
  if (fromEnv) return { token: fromEnv, generated: false };
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), generated: false };
  fs.mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, generated: true };
}

export function tokensMatch(candidate: string | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** Accepts `Authorization: Bearer <token>` or the login cookie. */
export function isAdmin(headers: { authorization?: string; cookie?: string }, token: string): boolean {
  const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  return tokensMatch(bearer, token) || tokensMatch(cookieValue(headers.cookie, ADMIN_COOKIE), token);
}

/** Paths reachable without the admin token: the login flow and static assets. */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/login' || pathname === '/api/login' || pathname.startsWith('/_next/static/') || pathname === '/favicon.ico';
}
