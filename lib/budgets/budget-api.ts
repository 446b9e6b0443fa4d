import { z } from 'zod';
import type { Db } from '@/db/client';
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

/** Each change is audited, then every budget's state is read again so enforcement follows at once. */
export function addBudget(db: Db, actor: Actor, fields: BudgetFields): BudgetView {
  const budget = audited(db, actor, { action: 'budget.create', target: fields.name, before: null, apply: () => budgetJson(createBudget(db, fields)) });
  monitor().reload();
  return budgetViews(db, monitor(), budget.id)[0]!;
}

export function changeBudget(db: Db, actor: Actor, id: number, fields: BudgetFields): BudgetView | undefined {
  const before = findBudget(db, id);
  if (!before) return undefined;
  audited(db, actor, { action: 'budget.replace', target: String(id), before: budgetJson(before), apply: () => budgetJson(replaceBudget(db, id, fields)!) });
  monitor().reload();
  return budgetViews(db, monitor(), id)[0];
}

export function removeBudget(db: Db, actor: Actor, id: number): boolean {
  const before = findBudget(db, id);
  if (!before) return false;
  audited(db, actor, { action: 'budget.delete', target: String(id), before: budgetJson(before), apply: () => deleteBudget(db, id) });
  monitor().reload();
  return true;
}
