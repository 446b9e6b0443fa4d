import { getDb } from '@/db/client';
import { noActor, requestActor } from '@/lib/api/actor';
import { analyticsRouteWith } from '@/lib/api/analytics-route';
import { parseJsonBody } from '@/lib/api/body';
import { audited } from '@/lib/audit/audit-log';
import { addPrice, DuplicatePriceError, listPrices, newPriceSchema, priceListQuerySchema } from '@/lib/pricing/price-table';

export const GET = analyticsRouteWith(priceListQuerySchema, (db, input) => ({ prices: listPrices(db, input) }));

export async function POST(request: Request) {
  const actor = requestActor(request);
  if (!actor) return noActor();
  const body = await parseJsonBody(newPriceSchema, request);
  if (!body.ok) return body.response;
  const db = getDb();
  try {
    const price = audited(db, actor, { action: 'price.add', target: `${body.data.model} ${body.data.servingPath} ${body.data.region}`, before: null, apply: () => addPrice(db, body.data) });
    return Response.json({ price }, { status: 201 });
  } catch (error) {
    if (error instanceof DuplicatePriceError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}
