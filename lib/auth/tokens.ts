import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from './roles';

export interface AdminToken {
  token: string;
  generated: boolean;
}

/** METER_ADMIN_TOKEN when set; otherwise a token generated once and kept (0600) in the data directory. */
export function resolveAdminToken(fromEnv: string | undefined, dataDir: string): AdminToken {
  if (fromEnv) return { token: fromEnv, generated: false };
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) return { token: fs.readFileSync(file, 'utf8').trim(), generated: false };
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, generated: true };
}

export interface RoleTokens {
  admin: string;
  viewer?: string;
}

// Compare digests, so neither the length nor the content of a token leaks through timing.
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether a presented token is `token`, in constant time (lib/metrics checks its own token with it too). */
export function tokensMatch(candidate: string, token: string): boolean {
  return timingSafeEqual(digest(candidate), digest(token));
}

/** The role a presented token grants, if any. */
export function roleForToken(candidate: string | undefined, tokens: RoleTokens): Role | undefined {
  if (!candidate) return undefined;
  if (tokensMatch(candidate, tokens.admin)) return 'admin';
  if (tokens.viewer && tokensMatch(candidate, tokens.viewer)) return 'viewer';
  return undefined;
}

export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1];
}
