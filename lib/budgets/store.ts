import { eq } from 'drizzle-orm';
import { bumpTableVersion } from '@/lib/change-check';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import type { budgets } from '@/db/schema';
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

/** Bumped at each budget change, so every replica's monitor reloads within a second. */
export const BUDGETS_TABLE = 'budgets';

/** Every budget; one that no longer parses (a time zone the runtime dropped, a hand edit) is left out and logged. */
export async function listBudgets(db: MeterDb, log: (message: string) => void = console.error): Promise<Budget[]> {
  const { budgets } = tablesOf(db);
  const rows = await orm(db).select().from(budgets).orderBy(budgets.id);
  return rows.flatMap((r) => {
    try {
      return [fromRecord(r)];
    } catch (error) {
      log(`budgets: budget ${r.id} ("${r.name}") is not valid and is ignored: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  });
}

export async function findBudget(db: MeterDb, id: number): Promise<Budget | undefined> {
  const { budgets } = tablesOf(db);
  const [r] = await orm(db).select().from(budgets).where(eq(budgets.id, id));
  return r && fromRecord(r);
}

export async function createBudget(db: MeterDb, fields: BudgetFields, now = Date.now()): Promise<Budget> {
  const { budgets } = tablesOf(db);
  const [r] = await orm(db).insert(budgets).values({ ...toRecord(fields), createdAt: now, updatedAt: now }).returning();
  await bumpTableVersion(db, BUDGETS_TABLE, now);
  return fromRecord(r!);
}

/** Replaces a budget's fields; undefined when there is no such budget. */
export async function replaceBudget(db: MeterDb, id: number, fields: BudgetFields, now = Date.now()): Promise<Budget | undefined> {
  const { budgets } = tablesOf(db);
  const [r] = await orm(db).update(budgets).set({ ...toRecord(fields), updatedAt: now }).where(eq(budgets.id, id)).returning();
  await bumpTableVersion(db, BUDGETS_TABLE, now);
  return r && fromRecord(r);
}

export async function deleteBudget(db: MeterDb, id: number): Promise<boolean> {
  const { budgets } = tablesOf(db);
  const deleted = (await orm(db).delete(budgets).where(eq(budgets.id, id)).returning({ id: budgets.id })).length > 0;
  await bumpTableVersion(db, BUDGETS_TABLE);
  return deleted;
}
