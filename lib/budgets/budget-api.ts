import { z } from 'zod';
import type { MeterDb } from '@/db/database';
import { audited, type Actor } from '@/lib/audit/audit-log';
import { getRuntime } from '@/lib/runtime';
import { budgetJson, type BudgetFields } from './budget-schema';
import { budgetViews, type BudgetView } from './budget-view';
import type { BudgetMonitor } from './monitor';
import { createBudget, deleteBudget, findBudget, replaceBudget } from './store';

export const budgetIdSchema = z.coerce.number('budget id must be a number').int().positive('budget id must be a positive integer');

/** The running server's monitor (budgets live in the server process; Next.js reaches it through the runtime). */
export function monitor(): BudgetMonitor {
  const m = getRuntime()?.budgets;
  if (!m) throw new Error('Budgets need the Meter server (npm start), not a bare Next.js process.');
  return m;
}

/** Each change is audited, then this replica's monitor reads every budget again, so the next call is checked against the change. */
export async function addBudget(db: MeterDb, actor: Actor, fields: BudgetFields): Promise<BudgetView> {
  const budget = await audited(db, actor, { action: 'budget.create', target: fields.name, before: null, apply: async (tx) => budgetJson(await createBudget(tx, fields)) });
  await monitor().reload();
  return (await budgetViews(db, monitor(), budget.id))[0]!;
}

export async function changeBudget(db: MeterDb, actor: Actor, id: number, fields: BudgetFields): Promise<BudgetView | undefined> {
  const before = await findBudget(db, id);
  if (!before) return undefined;
  await audited(db, actor, { action: 'budget.replace', target: String(id), before: budgetJson(before), apply: async (tx) => budgetJson((await replaceBudget(tx, id, fields))!) });
  await monitor().reload();
  return (await budgetViews(db, monitor(), id))[0];
}

export async function removeBudget(db: MeterDb, actor: Actor, id: number): Promise<boolean> {
  const before = await findBudget(db, id);
  if (!before) return false;
  await audited(db, actor, { action: 'budget.delete', target: String(id), before: budgetJson(before), apply: (tx) => deleteBudget(tx, id) });
  await monitor().reload();
  return true;
}
