import { pgTable, text, integer, index } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/access.ts. */
export const sessions = pgTable(
  'sessions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    secretHash: text('secret_hash').notNull().unique(),
    role: text('role').notNull(),
    createdAt: int64('created_at').notNull(),
    expiresAt: int64('expires_at').notNull(),
    lastSeenAt: int64('last_seen_at').notNull(),
    revokedAt: int64('revoked_at'),
    clientAddress: text('client_address'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_expires_at').on(t.expiresAt)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    at: int64('at').notNull(),
    role: text('role').notNull(),
    sessionId: integer('session_id'),
    action: text('action').notNull(),
    target: text('target'),
    beforeJson: text('before_json'),
    afterJson: text('after_json'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

export const journalMarks = pgTable('journal_marks', {
  journal: text('journal').primaryKey(),
  segment: integer('segment').notNull(),
  offset: int64('offset').notNull(), // bytes into the segment
  updatedAt: int64('updated_at').notNull(),
});
