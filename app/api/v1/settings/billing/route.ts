import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { billingSchema, billingTimeZone, setBillingTimeZone } from '@/lib/settings/billing';

/** The billing time zone: Reports, both exports and the month presets count in it. */
export async function GET() {
  return Response.json({ timeZone: await billingTimeZone(getDb()) });
}

export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(billingSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const { timeZone } = body.data;
  // the audit entry's "after" is what apply returns: the new zone, beside the one it replaced
  const saved = await audited(db, actor, {
    action: 'billing.time_zone',
    before: await billingTimeZone(db),
    apply: async (tx) => {
      await setBillingTimeZone(tx, timeZone);
      return timeZone;
    },
  });
  return Response.json({ timeZone: saved });
}
