import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { budgetIdSchema, changeBudget, removeBudget } from '@/lib/budgets/budget-api';
import { budgetInputSchema } from '@/lib/budgets/budget-schema';

type Context = { params: Promise<{ id: string }> };

async function budgetId(context: Context) {
  const id = budgetIdSchema.safeParse((await context.params).id);
  return id.success ? id.data : undefined;
}

const notFound = (id: number | undefined) => Response.json({ error: id === undefined ? 'Budget id must be a positive integer.' : `No budget ${id}.` }, { status: id === undefined ? 400 : 404 });

export async function PUT(request: Request, context: Context) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = await budgetId(context);
  if (id === undefined) return notFound(id);
  const body = await parseJsonBody(budgetInputSchema, request);
  if (!body.ok) return body.response;
  const budget = await changeBudget(getDb(), actor, id, body.data);
  return budget ? Response.json({ budget }) : notFound(id);
}

export async function DELETE(request: Request, context: Context) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const id = await budgetId(context);
  if (id === undefined) return notFound(id);
  return (await removeBudget(getDb(), actor, id)) ? Response.json({ deleted: id }) : notFound(id);
}
