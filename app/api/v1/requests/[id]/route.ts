import { badRequest } from '@/lib/api/bad-request';
import { getDb } from '@/db/client';
import { requestDetail, requestIdSchema } from '@/lib/analytics/requests-id';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = requestIdSchema.safeParse((await params).id);
  if (!id.success) return badRequest(id.error);
  const detail = await requestDetail(getDb(), id.data);
  if (!detail) return Response.json({ error: `no request with id ${id.data}` }, { status: 404 });
  return Response.json(detail);
}
