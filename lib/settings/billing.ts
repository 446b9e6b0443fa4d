import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { settings } from '@/db/schema';

const KEY = 'billing.timeZone';

/** The zone finance counts days and months in: Fireworks bills by UTC month, so UTC unless changed. */
export const billingSchema = z.strictObject({
  timeZone: z.string('timeZone must be a string').refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'timeZone must be an IANA time zone such as UTC or Europe/Berlin'),
});

export function billingTimeZone(db: Db): string {
  const row = db.select().from(settings).where(eq(settings.key, KEY)).get();
  return row ? (JSON.parse(row.valueJson) as string) : 'UTC';
}

export function setBillingTimeZone(db: Db, timeZone: string, now = Date.now()): void {
  const valueJson = JSON.stringify(timeZone);
  db.insert(settings).values({ key: KEY, valueJson, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { valueJson, updatedAt: now } }).run();
}
