import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Budgets (lib/budgets). The amount is kept as the exact decimal dollars it was given in; the
 * scope, thresholds and channels as the JSON the API validated.
 */
export const budgets = sqliteTable('budgets', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  scopeJson: text('scope_json').notNull(),
  period: text('period').notNull(), // day | week | month
  timeZone: text('time_zone').notNull(),
  amountUsd: text('amount_usd').notNull(),
  thresholdsJson: text('thresholds_json').notNull(),
  action: text('action').notNull(), // alert | block
  channelsJson: text('channels_json').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/**
 * Every alert Meter raised, once (the id is the event's own, so raising it again is a no-op): the
 * dashboard's inbox and the outbox its deliveries are made from.
 */
export const alertEvents = sqliteTable(
  'alert_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    budgetId: integer('budget_id'),
    at: integer('at').notNull(),
    bodyJson: text('body_json').notNull(), // exactly what receivers are sent
    acknowledgedAt: integer('acknowledged_at'),
  },
  (t) => [index('alert_events_at').on(t.at)],
);

/** One delivery of an event to one channel, retried with backoff until it succeeds or gives up. */
export const alertDeliveries = sqliteTable(
  'alert_deliveries',
  {
    eventId: text('event_id').notNull(),
    channelJson: text('channel_json').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at'), // null once delivered or given up
    deliveredAt: integer('delivered_at'),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.channelJson] }), index('alert_deliveries_due').on(t.nextAttemptAt).where(sql`${t.nextAttemptAt} IS NOT NULL`)],
);

/** Account-wide settings changed from the dashboard (default alert channels), one JSON value per key. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  valueJson: text('value_json').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** A watch's condition (lib/budgets/watches.ts) from when it began until it cleared: one alert each way. */
export const watchEpisodes = sqliteTable(
  'watch_episodes',
  {
    watch: text('watch').notNull(),
    subject: text('subject').notNull(), // 'account', or the model the condition is about
    startedAt: integer('started_at').notNull(),
    clearedAt: integer('cleared_at'),
  },
  (t) => [primaryKey({ columns: [t.watch, t.subject, t.startedAt] })],
);
