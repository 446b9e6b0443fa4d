import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { analyticsRouteWith } from '@/lib/api/analytics-route';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { reloadPriceBooks } from '@/lib/pricing/price-book';
import { addPrice, confirmedPriceSchema, DuplicatePriceError, listPrices, markCurrent, priceListQuerySchema, priceWarnings, warningsResponse } from '@/lib/pricing/price-table';

export const GET = analyticsRouteWith(priceListQuerySchema, async (db, input) => ({ prices: markCurrent(await listPrices(db, input)) }));

export async function POST(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(confirmedPriceSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  const warnings = body.data.confirm ? [] : await priceWarnings(db, body.data);
  if (warnings.length) return warningsResponse(warnings);
  try {
    const price = await audited(db, actor, { action: 'price.add', target: `${body.data.model} ${body.data.servingPath} ${body.data.region}`, before: null, apply: (tx) => addPrice(tx, body.data) });
    await reloadPriceBooks(db); // the next call through this replica is priced with it
    return Response.json({ price }, { status: 201 });
  } catch (error) {
    if (error instanceof DuplicatePriceError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}
