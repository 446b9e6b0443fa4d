import { eq } from 'drizzle-orm';
import { bumpTableVersion } from '@/lib/change-check';
import type { Db } from '@/db/client';
import { budgets } from '@/db/schema';
import { picoToUsdString } from '@/lib/money';
import { budgetInputSchema, type Budget, type BudgetFields } from './budget-schema';

type BudgetRecord = typeof budgets.$inferSelect;

/** A stored row through the API's own schema: what the API wrote always passes, a hand-edited row may not. */
function fromRecord(r: BudgetRecord): Budget {
  const fields = budgetInputSchema.parse({
    name: r.name, scope: JSON.parse(r.scopeJson), period: r.period, timeZone: r.timeZone, amountUsd: r.amountUsd,
    thresholds: JSON.parse(r.thresholdsJson), action: r.action, channels: JSON.parse(r.channelsJson),
  });
  return { ...fields, id: r.id, createdAt: new Date(r.createdAt) };
}

function toRecord(f: BudgetFields) {
  return {
    name: f.name,
    scopeJson: JSON.stringify(f.scope),
    period: f.period,
    timeZone: f.timeZone,
    amountUsd: picoToUsdString(f.amountPico, 2),
    thresholdsJson: JSON.stringify(f.thresholds),
    action: f.action,
    channelsJson: JSON.stringify(f.channels),
  };
}

/** Every budget; one that no longer parses (a time zone the runtime dropped, a hand edit) is left out and logged. */
/** Bumped at each budget change, so every replica's monitor reloads within a second. */
export const BUDGETS_TABLE = 'budgets';

export function listBudgets(db: Db, log: (message: string) => void = console.error): Budget[] {
  return db.select().from(budgets).orderBy(budgets.id).all().flatMap((r) => {
    try {
      return [fromRecord(r)];
    } catch (error) {
      log(`budgets: budget ${r.id} ("${r.name}") is not valid and is ignored: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  });
}

export function findBudget(db: Db, id: number): Budget | undefined {
  const r = db.select().from(budgets).where(eq(budgets.id, id)).get();
  return r && fromRecord(r);
}

export function createBudget(db: Db, fields: BudgetFields, now = Date.now()): Budget {
  const created = fromRecord(db.insert(budgets).values({ ...toRecord(fields), createdAt: now, updatedAt: now }).returning().get());
  bumpTableVersion(db, BUDGETS_TABLE, now);
  return created;
}

/** Replaces a budget's fields; undefined when there is no such budget. */
export function replaceBudget(db: Db, id: number, fields: BudgetFields, now = Date.now()): Budget | undefined {
  const r = db.update(budgets).set({ ...toRecord(fields), updatedAt: now }).where(eq(budgets.id, id)).returning().get();
  bumpTableVersion(db, BUDGETS_TABLE, now);
  return r && fromRecord(r);
}

export function deleteBudget(db: Db, id: number): boolean {
  const deleted = db.delete(budgets).where(eq(budgets.id, id)).run().changes > 0;
  bumpTableVersion(db, BUDGETS_TABLE);
  return deleted;
}
