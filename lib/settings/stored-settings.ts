import { eq } from 'drizzle-orm';
import { orm, tablesOf, type MeterDb } from '@/db/database';

/** One account-wide setting from the `settings` table (JSON), or `fallback` while none was saved. */
export async function readSetting<T>(db: MeterDb, key: string, fallback: T): Promise<T> {
  const { settings } = tablesOf(db);
  const [row] = await orm(db).select().from(settings).where(eq(settings.key, key));
  return row ? (JSON.parse(row.valueJson) as T) : fallback;
}

export async function writeSetting(db: MeterDb, key: string, value: unknown, now = Date.now()): Promise<void> {
  const { settings } = tablesOf(db);
  const valueJson = JSON.stringify(value);
  await orm(db).insert(settings).values({ key, valueJson, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { valueJson, updatedAt: now } });
}
