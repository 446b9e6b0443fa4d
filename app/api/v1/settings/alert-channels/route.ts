import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { channelsSchema, redactChannel } from '@/lib/budgets/budget-schema';
import { defaultChannels, setDefaultChannels } from '@/lib/budgets/outbox';
import { z } from 'zod';

const bodySchema = z.strictObject({ channels: channelsSchema });

/** The channels budgets without their own get their alerts on. */
export async function GET(request: Request) {
  const channels = await defaultChannels(getDb());
  return Response.json({ channels: requestActor(request)?.role === 'admin' ? channels : channels.map(redactChannel) });
}

export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(bodySchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const channels = await audited(db, actor, {
    action: 'alerts.default_channels',
    before: await defaultChannels(db),
    apply: async (tx) => (await setDefaultChannels(tx, body.data.channels), body.data.channels),
  });
  return Response.json({ channels });
}
