import { bigint, index, pgTable } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/**
 * PostgreSQL only: one row per recorder batch that added calls, under the id of the transaction
 * that wrote it (`pg_current_xact_id()`). Concurrent replicas' request ids commit out of order, so
 * "ids after the newest counted" would skip a slower batch; a transaction id tells, through a
 * snapshot, exactly which batches a reader has already seen. The budget monitor follows it; rows
 * older than an hour are pruned by the writers (a monitor that was away longer reloads its totals).
 * SQLite has one writer at a time, commits ids in order and needs none of this.
 */
export const recordedBatches = pgTable(
  'recorded_batches',
  {
    xid: int64('xid').primaryKey(),
    ids: bigint('ids', { mode: 'number' }).array().notNull(),
    recordedAt: int64('recorded_at').notNull(),
  },
  (t) => [index('recorded_batches_recorded_at').on(t.recordedAt)],
);
