import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { recordChange } from '@/lib/audit/audit-log';
import { reprice, RepriceBusyError, repriceSchema } from '@/lib/pricing/reprice';

/** Body {from, to, model?, apply}: apply=false previews what would change, apply=true rewrites it. */
export async function POST(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(repriceSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  try {
    const result = await reprice(db, body.data);
    if (result.applied) {
      const { oldUsd, newUsd, calls, changed } = result.totals;
      recordChange(db, actor, { action: 'history.reprice', target: `${result.range.from} – ${result.range.to}${result.model ? ` ${result.model}` : ''}`, before: { costUsd: oldUsd, calls }, after: { costUsd: newUsd, changed } });
    }
    return Response.json(result);
  } catch (error) {
    if (error instanceof RepriceBusyError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}
