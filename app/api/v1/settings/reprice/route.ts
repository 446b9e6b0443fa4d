import { getDb } from '@/db/client';
import { rangeFilters } from '@/lib/analytics/engine/filters';
import { totalsBy } from '@/lib/analytics/engine/totals';
import { noActor, requestActor } from '@/lib/api/actor';
import { parseJsonBody } from '@/lib/api/body';
import { reprice, RepriceBusyError, repriceSchema } from '@/lib/pricing/reprice';
import { cancelRepriceJob, currentRepriceJob, startRepriceJob } from '@/lib/pricing/reprice-job';

/**
 * Body {from, to, model?, apply}: apply=false answers what would change; apply=true starts
 * rewriting it in the background (202 with the job; follow it with GET, stop it with DELETE).
 */
export async function POST(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(repriceSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  try {
    if (!body.data.apply) return Response.json(await reprice(db, body.data));
    const { from, to, model } = body.data;
    const total = (await totalsBy(db, rangeFilters(from, to, 'UTC', { model: model ? [model] : [] }), []))[0]?.requests ?? 0;
    return Response.json({ job: await startRepriceJob(db, actor, { ...body.data, apply: true }, total) }, { status: 202 });
  } catch (error) {
    if (error instanceof RepriceBusyError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}

/** The newest re-pricing job: its progress, or its result once over (null when none ran). */
export function GET() {
  return Response.json({ job: currentRepriceJob() });
}

/** Stops the running job after the page it is on; the calls done so far stay re-priced. */
export function DELETE(request: Request) {
  if (!requestActor(request)) return noActor();
  return cancelRepriceJob() ? Response.json({ cancelling: true }) : Response.json({ error: 'No re-pricing is running.' }, { status: 404 });
}
