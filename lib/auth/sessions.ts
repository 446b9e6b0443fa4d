import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { sessions } from '@/db/schema';
import { isRole, type Role } from './roles';

export const SESSION_COOKIE = 'meter_session';
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// last_seen_at is a hint for the sessions list, not an audit trail: refresh it at most once a minute.
const LAST_SEEN_PRECISION_MS = 60_000;

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function isWellFormedSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

export interface NewSession {
  role: Role;
  ttlMs: number;
  clientAddress?: string;
  userAgent?: string;
  now?: number;
}

/** Starts a session; the returned secret goes into the cookie and is never stored. */
export function createSession(db: Db, { role, ttlMs, clientAddress, userAgent, now = Date.now() }: NewSession) {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  const [row] = db
    .insert(sessions)
    .values({ secretHash: hash(secret), role, createdAt: now, expiresAt, lastSeenAt: now, clientAddress, userAgent: userAgent?.slice(0, 200) })
    .returning({ id: sessions.id })
    .all();
  // Forget sessions that ended more than a week ago, so the table stays small.
  db.delete(sessions).where(or(lt(sessions.expiresAt, now - 7 * 86_400_000), lt(sessions.revokedAt, now - 7 * 86_400_000))).run();
  return { id: row!.id, secret, expiresAt };
}

export interface ActiveSession {
  id: number;
  role: Role;
  expiresAt: number;
}

/** The live session a cookie secret belongs to: not expired, not revoked. */
export function findSession(db: Db, secret: string, now = Date.now()): ActiveSession | undefined {
  if (!isWellFormedSecret(secret)) return undefined;
  const row = db
    .select({ id: sessions.id, role: sessions.role, expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.secretHash, hash(secret)), gt(sessions.expiresAt, now), isNull(sessions.revokedAt)))
    .get();
  if (!row || !isRole(row.role)) return undefined;
  if (now - row.lastSeenAt > LAST_SEEN_PRECISION_MS) db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id)).run();
  return { id: row.id, role: row.role, expiresAt: row.expiresAt };
}

/** Ends a session at once; returns false when there was no live session with that id. */
export function revokeSession(db: Db, id: number, now = Date.now()): boolean {
  const result = db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .run();
  return result.changes > 0;
}

export function revokeSessionBySecret(db: Db, secret: string, now = Date.now()): void {
  if (isWellFormedSecret(secret)) db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.secretHash, hash(secret)), isNull(sessions.revokedAt))).run();
}

/** Live sessions, newest first, for the Settings page. */
export function listSessions(db: Db, now = Date.now()) {
  return db
    .select({
      id: sessions.id,
      role: sessions.role,
      createdAt: sessions.createdAt,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      clientAddress: sessions.clientAddress,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(and(gt(sessions.expiresAt, now), isNull(sessions.revokedAt)))
    .orderBy(desc(sessions.createdAt), desc(sql`${sessions.id}`))
    .limit(200)
    .all();
}
