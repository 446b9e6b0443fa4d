import { and, asc, desc, eq, gte, inArray, isNotNull, lte, type SQL } from 'drizzle-orm';
import { inTransaction, orm, tablesOf, type MeterDb } from '@/db/database';
import { readSetting, writeSetting } from '@/lib/settings/stored-settings';
import type { BudgetChannel } from './budget-schema';
import { afterAttempt, deliver, type DeliveryOptions } from './delivery';
import type { MeterEventBody } from './payload';

const DEFAULT_CHANNELS_KEY = 'alerts.defaultChannels';

/** The account's default channels (Settings), used by budgets that name none. */
export const defaultChannels = (db: MeterDb): Promise<BudgetChannel[]> => readSetting<BudgetChannel[]>(db, DEFAULT_CHANNELS_KEY, []);

export const setDefaultChannels = (db: MeterDb, channels: BudgetChannel[]): Promise<void> => writeSetting(db, DEFAULT_CHANNELS_KEY, channels);

/**
 * Raises an event once: it goes into the inbox and, in the same transaction, one delivery per
 * channel, due now. Raising an id again changes nothing, so a restart or a second check never
 * alerts twice. Returns whether the event is new.
 */
export function raiseEvent(db: MeterDb, body: MeterEventBody, budgetId: number | null, channels: readonly BudgetChannel[], now = Date.now()): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const { alertEvents, alertDeliveries } = tablesOf(tx);
    const inserted = await orm(tx).insert(alertEvents).values({ id: body.id, type: body.type, budgetId, at: Date.parse(body.at), bodyJson: JSON.stringify(body) }).onConflictDoNothing().returning({ id: alertEvents.id });
    const added = inserted.length > 0;
    if (added && channels.length) {
      await orm(tx).insert(alertDeliveries).values(channels.map((c) => ({ eventId: body.id, channelJson: JSON.stringify(c), nextAttemptAt: now }))).onConflictDoNothing();
    }
    return added;
  });
}

/** The budget events raised since `since`, so a check can skip them without a query per event (older periods are over). */
export async function raisedIds(db: MeterDb, since: number): Promise<Set<string>> {
  const { alertEvents } = tablesOf(db);
  const rows = await orm(db).select({ id: alertEvents.id }).from(alertEvents).where(and(isNotNull(alertEvents.budgetId), gte(alertEvents.at, since)));
  return new Set(rows.map((r) => r.id));
}

/** How long a replica holds a delivery it is sending before another may try it. */
const CLAIM_LEASE_MS = 60_000;

/**
 * Makes every delivery that is due, one attempt each, and schedules the next attempt of those
 * that failed (lib/budgets/delivery.ts: backoff up to 5 minutes, then given up). At least once: a
 * delivery is marked done only after the receiver said yes.
 */
export async function deliverDue(db: MeterDb, options: DeliveryOptions, now = Date.now(), limit = 20): Promise<number> {
  const { alertDeliveries, alertEvents } = tablesOf(db);
  const due = await orm(db)
    .select({ d: alertDeliveries, body: alertEvents.bodyJson })
    .from(alertDeliveries)
    .innerJoin(alertEvents, eq(alertEvents.id, alertDeliveries.eventId))
    .where(and(isNotNull(alertDeliveries.nextAttemptAt), lte(alertDeliveries.nextAttemptAt, now)))
    .orderBy(asc(alertDeliveries.nextAttemptAt))
    .limit(limit);
  // Claimed before sending: of the replicas that found it due, the one whose UPDATE still finds the
  // due time it read moves it past the lease and sends it (on PostgreSQL a second UPDATE waits for the
  // first and then finds the new time); if that replica dies mid-send, the lease runs out and another
  // tries again.
  const claimed: typeof due = [];
  for (const row of due) {
    const { d } = row;
    const key = and(eq(alertDeliveries.eventId, d.eventId), eq(alertDeliveries.channelJson, d.channelJson), eq(alertDeliveries.nextAttemptAt, d.nextAttemptAt!));
    const won = await orm(db).update(alertDeliveries).set({ nextAttemptAt: now + CLAIM_LEASE_MS }).where(key).returning({ eventId: alertDeliveries.eventId });
    if (won.length === 1) claimed.push(row);
  }
  await Promise.all(
    claimed.map(async ({ d, body }) => {
      const result = await deliver(JSON.parse(body) as MeterEventBody, JSON.parse(d.channelJson) as BudgetChannel, options);
      const attempts = d.attempts + 1;
      const next = afterAttempt(attempts, result, new Date());
      const key = and(eq(alertDeliveries.eventId, d.eventId), eq(alertDeliveries.channelJson, d.channelJson));
      if (next.state === 'delivered') await orm(db).update(alertDeliveries).set({ attempts, nextAttemptAt: null, deliveredAt: Date.now(), lastError: null }).where(key);
      else await orm(db).update(alertDeliveries).set({ attempts, nextAttemptAt: next.state === 'retry' ? next.nextAttemptAt.getTime() : null, lastError: next.error }).where(key);
    }),
  );
  return claimed.length;
}

export interface InboxEntry {
  id: string;
  type: string;
  at: string;
  budgetId: number | null;
  acknowledged: boolean;
  body: MeterEventBody;
  deliveries: { channel: BudgetChannel; attempts: number; delivered: boolean; lastError: string | null; nextAttemptAt: string | null }[];
}

/** The newest events first, optionally of some types, with how their deliveries went. */
export async function inbox(db: MeterDb, { types = [], limit = 100 }: { types?: readonly string[]; limit?: number } = {}): Promise<InboxEntry[]> {
  const { alertDeliveries, alertEvents } = tablesOf(db);
  const where: SQL | undefined = types.length ? inArray(alertEvents.type, [...types]) : undefined;
  const events = await orm(db).select().from(alertEvents).where(where).orderBy(desc(alertEvents.at), desc(alertEvents.id)).limit(limit);
  const ids = events.map((e) => e.id);
  const deliveries = ids.length ? await orm(db).select().from(alertDeliveries).where(inArray(alertDeliveries.eventId, ids)) : [];
  return events.map((e) => ({
    id: e.id,
    type: e.type,
    at: new Date(e.at).toISOString(),
    budgetId: e.budgetId,
    acknowledged: e.acknowledgedAt !== null,
    body: JSON.parse(e.bodyJson) as MeterEventBody,
    deliveries: deliveries
      .filter((d) => d.eventId === e.id)
      .map((d) => ({
        channel: JSON.parse(d.channelJson) as BudgetChannel,
        attempts: d.attempts,
        delivered: d.deliveredAt !== null,
        lastError: d.lastError,
        nextAttemptAt: d.nextAttemptAt === null ? null : new Date(d.nextAttemptAt).toISOString(),
      })),
  }));
}

export async function acknowledge(db: MeterDb, id: string, now = Date.now()): Promise<boolean> {
  const { alertEvents } = tablesOf(db);
  return (await orm(db).update(alertEvents).set({ acknowledgedAt: now }).where(eq(alertEvents.id, id)).returning({ id: alertEvents.id })).length > 0;
}
