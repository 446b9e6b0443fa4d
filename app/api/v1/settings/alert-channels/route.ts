import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { channelsSchema, redactChannel } from '@/lib/budgets/budget-schema';
import { defaultChannels, setDefaultChannels } from '@/lib/budgets/outbox';
import { z } from 'zod';

const bodySchema = z.strictObject({ channels: channelsSchema });

/** The channels budgets without their own get their alerts on. */
export function GET(request: Request) {
  const channels = defaultChannels(getDb());
  return Response.json({ channels: requestActor(request)?.role === 'admin' ? channels : channels.map(redactChannel) });
}

export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(bodySchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const channels = audited(db, actor, { action: 'alerts.default_channels', before: defaultChannels(db), apply: () => (setDefaultChannels(db, body.data.channels), body.data.channels) });
  return Response.json({ channels });
}
