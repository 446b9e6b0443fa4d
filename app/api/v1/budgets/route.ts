import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { addBudget, monitor } from '@/lib/budgets/budget-api';
import { budgetInputSchema, redactChannel } from '@/lib/budgets/budget-schema';
import { budgetViews } from '@/lib/budgets/budget-view';

export async function GET(request: Request) {
  const budgets = await budgetViews(getDb(), monitor());
  const viewer = requestActor(request)?.role !== 'admin';
  return Response.json({ budgets: viewer ? budgets.map((b) => ({ ...b, channels: b.channels.map(redactChannel) })) : budgets });
}

export async function POST(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(budgetInputSchema, request);
  if (!body.ok) return body.response;
  return Response.json({ budget: await addBudget(getDb(), actor, body.data) }, { status: 201 });
}
