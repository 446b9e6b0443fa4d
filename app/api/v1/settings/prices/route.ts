import { getDb } from '@/db/client';
import { analyticsRouteWith } from '@/lib/api/analytics-route';
import { parseJsonBody } from '@/lib/api/body';
import { addPrice, DuplicatePriceError, listPrices, newPriceSchema, priceListQuerySchema } from '@/lib/pricing/price-table';

export const dynamic = 'force-dynamic';

export const GET = analyticsRouteWith(priceListQuerySchema, (db, input) => ({ prices: listPrices(db, input) }));

export async function POST(request: Request) {
  const body = await parseJsonBody(newPriceSchema, request);
  if (!body.ok) return body.response;
  try {
    return Response.json({ price: addPrice(getDb(), body.data) }, { status: 201 });
  } catch (error) {
    if (error instanceof DuplicatePriceError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}
