import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import { isRole, type Role } from './roles';

export const SESSION_COOKIE = 'meter_session';
const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// last_seen_at is a hint for the sessions list, not an audit trail: refresh it at most once a minute.
const LAST_SEEN_PRECISION_MS = 60_000;
// Ended sessions are kept this long (the list shows live ones only), so the table stays small.
const KEEP_ENDED_MS = 7 * 86_400_000;

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
export async function createSession(db: MeterDb, { role, ttlMs, clientAddress, userAgent, now = Date.now() }: NewSession): Promise<{ id: number; secret: string; expiresAt: number }> {
  const { sessions } = tablesOf(db);
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  const [row] = await orm(db)
    .insert(sessions)
    .values({ secretHash: hash(secret), role, createdAt: now, expiresAt, lastSeenAt: now, clientAddress, userAgent: userAgent?.slice(0, 200) })
    .returning({ id: sessions.id });
  await orm(db)
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now - KEEP_ENDED_MS), lt(sessions.revokedAt, now - KEEP_ENDED_MS)));
  return { id: row!.id, secret, expiresAt };
}

export interface ActiveSession {
  id: number;
  role: Role;
  expiresAt: number;
}

/** The live session a cookie secret belongs to: not expired, not revoked. */
export async function findSession(db: MeterDb, secret: string, now = Date.now()): Promise<ActiveSession | undefined> {
  if (!isWellFormedSecret(secret)) return undefined;
  const { sessions } = tablesOf(db);
  const [row] = await orm(db)
    .select({ id: sessions.id, role: sessions.role, expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .where(and(eq(sessions.secretHash, hash(secret)), gt(sessions.expiresAt, now), isNull(sessions.revokedAt)));
  if (!row || !isRole(row.role)) return undefined;
  if (now - row.lastSeenAt > LAST_SEEN_PRECISION_MS) await orm(db).update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id));
  return { id: row.id, role: row.role, expiresAt: row.expiresAt };
}

/** Ends a session at once; returns false when there was no live session with that id. */
export async function revokeSession(db: MeterDb, id: number, now = Date.now()): Promise<boolean> {
  const { sessions } = tablesOf(db);
  const ended = await orm(db)
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ id: sessions.id });
  return ended.length > 0;
}

export async function revokeSessionBySecret(db: MeterDb, secret: string, now = Date.now()): Promise<void> {
  if (!isWellFormedSecret(secret)) return;
  const { sessions } = tablesOf(db);
  await orm(db)
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.secretHash, hash(secret)), isNull(sessions.revokedAt)));
}

/** Live sessions, newest first, for the Settings page. */
export async function listSessions(db: MeterDb, now = Date.now()) {
  const { sessions } = tablesOf(db);
  return orm(db)
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
    .orderBy(desc(sessions.createdAt), desc(sessions.id))
    .limit(200);
}
