import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { settings } from '@/db/schema';

/** One account-wide setting from the `settings` table (JSON), or `fallback` while none was saved. */
export function readSetting<T>(db: Db, key: string, fallback: T): T {
  const row = db.select().from(settings).where(eq(settings.key, key)).get();
  return row ? (JSON.parse(row.valueJson) as T) : fallback;
}

export function writeSetting(db: Db, key: string, value: unknown, now = Date.now()): void {
  const valueJson = JSON.stringify(value);
  db.insert(settings).values({ key, valueJson, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { valueJson, updatedAt: now } }).run();
}
