import { getDb } from '@/db/client';
import { parseJsonBody } from '@/lib/api/body';
import { reprice, RepriceBusyError, repriceSchema } from '@/lib/pricing/reprice';

export const dynamic = 'force-dynamic';

/** Body {from, to, model?, apply}: apply=false previews what would change, apply=true rewrites it. */
export async function POST(request: Request) {
  const body = await parseJsonBody(repriceSchema, request);
  if (!body.ok) return body.response;
  try {
    return Response.json(await reprice(getDb(), body.data));
  } catch (error) {
    if (error instanceof RepriceBusyError) return Response.json({ error: error.message }, { status: 409 });
    throw error;
  }
}
