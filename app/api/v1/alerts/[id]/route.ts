import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { acknowledge } from '@/lib/budgets/outbox';

/** Acknowledges an alert in the inbox (it stays listed, marked as seen). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!requestActor(request)) return noActor();
  const id = decodeURIComponent((await params).id);
  return acknowledge(getDb(), id) ? Response.json({ acknowledged: id }) : Response.json({ error: `No alert ${id}.` }, { status: 404 });
}
