import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { budgets } from '@/db/schema';
import { parseUsdToPico, picoToUsdString } from '@/lib/money';
import type { Budget, BudgetChannel, BudgetFields, BudgetScope } from './budget-schema';
import type { Period } from './period';

type BudgetRecord = typeof budgets.$inferSelect;

function fromRecord(r: BudgetRecord): Budget {
  return {
    id: r.id,
    name: r.name,
    scope: JSON.parse(r.scopeJson) as BudgetScope,
    period: r.period as Period,
    timeZone: r.timeZone,
    amountPico: parseUsdToPico(r.amountUsd)!,
    thresholds: JSON.parse(r.thresholdsJson) as number[],
    action: r.action as Budget['action'],
    channels: JSON.parse(r.channelsJson) as BudgetChannel[],
    createdAt: new Date(r.createdAt),
  };
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

export function listBudgets(db: Db): Budget[] {
  return db.select().from(budgets).orderBy(budgets.id).all().map(fromRecord);
}

export function findBudget(db: Db, id: number): Budget | undefined {
  const r = db.select().from(budgets).where(eq(budgets.id, id)).get();
  return r && fromRecord(r);
}

export function createBudget(db: Db, fields: BudgetFields, now = Date.now()): Budget {
  return fromRecord(db.insert(budgets).values({ ...toRecord(fields), createdAt: now, updatedAt: now }).returning().get());
}

/** Replaces a budget's fields; undefined when there is no such budget. */
export function replaceBudget(db: Db, id: number, fields: BudgetFields, now = Date.now()): Budget | undefined {
  const r = db.update(budgets).set({ ...toRecord(fields), updatedAt: now }).where(eq(budgets.id, id)).returning().get();
  return r && fromRecord(r);
}

export function deleteBudget(db: Db, id: number): boolean {
  return db.delete(budgets).where(eq(budgets.id, id)).run().changes > 0;
}
