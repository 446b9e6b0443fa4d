import { sql } from 'drizzle-orm';
import { pgTable, text, integer, index, primaryKey } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/budgets.ts. */
export const budgets = pgTable('budgets', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull(),
  scopeJson: text('scope_json').notNull(),
  period: text('period').notNull(), // day | week | month
  timeZone: text('time_zone').notNull(),
  amountUsd: text('amount_usd').notNull(),
  thresholdsJson: text('thresholds_json').notNull(),
  action: text('action').notNull(), // alert | block
  channelsJson: text('channels_json').notNull(),
  createdAt: int64('created_at').notNull(),
  updatedAt: int64('updated_at').notNull(),
});

export const alertEvents = pgTable(
  'alert_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    budgetId: integer('budget_id'),
    at: int64('at').notNull(),
    bodyJson: text('body_json').notNull(),
    acknowledgedAt: int64('acknowledged_at'),
  },
  (t) => [index('alert_events_at').on(t.at)],
);

export const alertDeliveries = pgTable(
  'alert_deliveries',
  {
    eventId: text('event_id').notNull(),
    channelJson: text('channel_json').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: int64('next_attempt_at'),
    deliveredAt: int64('delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ name: 'alert_deliveries_pkey', columns: [t.eventId, t.channelJson] }), index('alert_deliveries_due').on(t.nextAttemptAt).where(sql`${t.nextAttemptAt} IS NOT NULL`)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
  updatedAt: int64('updated_at').notNull(),
});

export const watchEpisodes = pgTable(
  'watch_episodes',
  {
    watch: text('watch').notNull(),
    subject: text('subject').notNull(),
    startedAt: int64('started_at').notNull(),
    clearedAt: int64('cleared_at'),
  },
  (t) => [primaryKey({ name: 'watch_episodes_pkey', columns: [t.watch, t.subject, t.startedAt] })],
);
