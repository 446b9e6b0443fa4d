import { z } from 'zod';
import { dataDirectory, loadConfig } from '@/lib/config';
import { getRuntime } from '@/lib/runtime';
import { ADMIN_COOKIE, resolveAdminToken, tokensMatch } from './admin-token';

export const loginSchema = z.object({
  token: z.string().min(1),
  next: z.string().default('/'),
});

/** Only same-site paths, so the login form cannot be used to bounce a user elsewhere. */
export function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export function checkAdminToken(candidate: string): boolean {
  const runtime = getRuntime();
  if (runtime) return tokensMatch(candidate, runtime.adminToken);
  const config = loadConfig();
  return tokensMatch(candidate, resolveAdminToken(config.METER_ADMIN_TOKEN, dataDirectory(config.DATABASE_URL)).token);
}

export function sessionCookie(token: string): string {
  return `${ADMIN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${60 * 60 * 24 * 30}`;
}
