import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';

/**
 * Dashboard sessions. The cookie holds a random secret; only its SHA-256 is stored, so a copy of the
 * database cannot be replayed as a login. `role` is one of lib/auth/roles.ts.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    secretHash: text('secret_hash').notNull().unique(),
    role: text('role').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
    revokedAt: integer('revoked_at'),
    clientAddress: text('client_address'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_expires_at').on(t.expiresAt)],
);

/** Who changed prices, labels or history, and what it was before and after (JSON). */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    role: text('role').notNull(),
    sessionId: integer('session_id'),
    action: text('action').notNull(),
    target: text('target'),
    beforeJson: text('before_json'),
    afterJson: text('after_json'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

/**
 * How far each call journal has been written to the database: every line before (segment, offset)
 * is in `requests`. Updated in the same transaction as the rows, so the mark never runs ahead.
 */
export const journalMarks = sqliteTable('journal_marks', {
  journal: text('journal').primaryKey(),
  segment: integer('segment').notNull(),
  offset: integer('offset').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
