import { z } from 'zod';
import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { acknowledge } from '@/lib/budgets/outbox';

// The id goes in the body: watch ids name models (`accounts/fireworks/models/…`), and an encoded
// slash in a path is refused by the gate.
const bodySchema = z.strictObject({ id: z.string('id must be the alert id').min(1).max(500) });

/** Acknowledges an alert in the inbox (it stays listed, marked as seen). */
export async function POST(request: Request) {
  if (!requestActor(request)) return noActor();
  const body = await parseJsonBody(bodySchema, request);
  if (!body.ok) return body.response;
  return (await acknowledge(getDb(), body.data.id)) ? Response.json({ acknowledged: body.data.id }) : Response.json({ error: `No alert ${body.data.id}.` }, { status: 404 });
}
