import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { billingSchema, billingTimeZone, setBillingTimeZone } from '@/lib/settings/billing';

/** The billing time zone: Reports, both exports and the month presets count in it. */
export function GET() {
  return Response.json({ timeZone: billingTimeZone(getDb()) });
}

export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(billingSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  audited(db, actor, { action: 'billing.time_zone', before: billingTimeZone(db), apply: () => setBillingTimeZone(db, body.data.timeZone) });
  return Response.json({ timeZone: body.data.timeZone });
}
