import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { setWatchSettings, watchSettings, watchSettingsSchema } from '@/lib/budgets/watches';

/** The watches beyond money: each on or off, with its threshold. */
export async function GET() {
  return Response.json({ watches: await watchSettings(getDb()) });
}

export async function PUT(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(watchSettingsSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const watches = await audited(db, actor, { action: 'alerts.watches', before: await watchSettings(db), apply: async (tx) => (await setWatchSettings(tx, body.data), body.data) });
  return Response.json({ watches });
}
