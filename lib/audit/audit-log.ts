import { desc } from 'drizzle-orm';
import { inTransaction, orm, tablesOf, type MeterDb } from '@/db/database';
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
  /** Makes the change through `tx` (the transaction's handle) and returns it; what it returns is kept as "after". */
  apply: (tx: MeterDb) => Promise<T>;
}

/** Makes a change and records it (when, who, what, before and after) in one transaction. */
export function audited<T>(db: MeterDb, actor: Actor, { action, target, before, apply }: Change<T>): Promise<T> {
  return inTransaction(db, async (tx) => {
    const after = await apply(tx);
    await recordChange(tx, actor, { action, target, before, after });
    return after;
  });
}

/** Writes one audit entry; `audited` wraps it with the change in a transaction, re-pricing (which pages through its own transactions) calls it after. */
export async function recordChange(db: MeterDb, actor: Actor, change: Omit<Change<unknown>, 'apply'> & { after?: unknown }): Promise<void> {
  await orm(db)
    .insert(tablesOf(db).auditLog)
    .values({ at: Date.now(), role: actor.role, sessionId: actor.sessionId, action: change.action, target: change.target, beforeJson: json(change.before), afterJson: json(change.after) });
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

/** Newest first, for the Settings page. */
export async function listAuditLog(db: MeterDb, limit = 100): Promise<AuditEntry[]> {
  const { auditLog } = tablesOf(db);
  const rows = await orm(db).select().from(auditLog).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(limit);
  return rows.map(({ beforeJson, afterJson, ...row }) => ({ ...row, before: parse(beforeJson), after: parse(afterJson) }));
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
