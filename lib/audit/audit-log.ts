import { desc } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { auditLog } from '@/db/schema';
import type { Role } from '@/lib/auth/roles';
import type { AuditedChange, AuditEntry } from './changes';

export type { AuditedChange, AuditEntry } from './changes';

/** Who made a change: the role, and the session when it came from the dashboard rather than a token. */
export interface Actor {
  role: Role;
  sessionId?: number;
}

export interface Change<T> {
  action: AuditedChange;
  target?: string;
  before?: unknown;
  /** Makes the change and returns it; what it returns is kept as "after". */
  apply: () => T;
}

/** Makes a change and records it (when, who, what, before and after) in one transaction. */
export function audited<T>(db: Db, actor: Actor, { action, target, before, apply }: Change<T>): T {
  return db.transaction(() => {
    const after = apply();
    recordChange(db, actor, { action, target, before, after });
    return after;
  });
}

/** Writes one audit entry; `audited` wraps it with the change in a transaction, re-pricing (which pages through its own transactions) calls it after. */
export function recordChange(db: Db, actor: Actor, change: Omit<Change<unknown>, 'apply'> & { after?: unknown }): void {
  db.insert(auditLog)
    .values({ at: Date.now(), role: actor.role, sessionId: actor.sessionId, action: change.action, target: change.target, beforeJson: json(change.before), afterJson: json(change.after) })
    .run();
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Newest first, for the Settings page. */
export function listAuditLog(db: Db, limit = 100): AuditEntry[] {
  return db
    .select()
    .from(auditLog)
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit)
    .all()
    .map(({ beforeJson, afterJson, ...row }) => ({ ...row, before: parse(beforeJson), after: parse(afterJson) }));
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
