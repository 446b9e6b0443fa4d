import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import { reprice, RepriceBusyError } from './reprice';

/** Asked for by migration 0011: calls stored before costs were exact held them rounded to micro-dollars. */
export const EXACT_MONEY_TASK = 'exact-money-reprice';

const ALL_TIME = { from: new Date(0), to: new Date(8.64e15) };

/**
 * Re-prices every stored call from its usage, once, so costs recorded before Meter kept exact
 * pico-dollars become exact too; the rollups move with each row (lib/pricing/reprice.ts). Waits
 * until the journal is read back, so calls journaled by the previous version are in the table
 * first. Unchanged rows are skipped, so an interrupted run simply starts again at the next start-up.
 */
export interface BackfillOptions {
  isReplaying?: () => boolean;
  log?: (message: string) => void;
}

export async function runExactMoneyBackfill(db: MeterDb, { isReplaying = () => false, log = console.log }: BackfillOptions = {}): Promise<void> {
  const { maintenanceTasks } = tablesOf(db);
  const task = eq(maintenanceTasks.name, EXACT_MONEY_TASK);
  // only SQLite's migration 0011 asks for it: a PostgreSQL database never held rounded costs
  const pending = async () => (await orm(db).select().from(maintenanceTasks).where(task)).length > 0;
  if (!(await pending())) return;
  while (isReplaying()) await sleep(200, undefined, { ref: false });
  log('Re-pricing stored calls to the exact pico-dollar (once, after the upgrade)...');
  for (;;) {
    try {
      const { totals } = await reprice(db, { ...ALL_TIME, apply: true });
      await orm(db).delete(maintenanceTasks).where(task);
      log(`Re-priced ${totals.changed} of ${totals.calls} stored calls exactly: total $${totals.oldUsd} → $${totals.newUsd}.`);
      return;
    } catch (error) {
      if (!(error instanceof RepriceBusyError)) throw error;
      await sleep(5000, undefined, { ref: false }); // someone is re-pricing from Settings; go after them
      if (!(await pending())) return; // or another replica ran this one
    }
  }
}
