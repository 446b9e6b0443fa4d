import { getDb } from '@/db/client';
import { filterOptions } from '@/lib/analytics/filter-options';

export const dynamic = 'force-dynamic';

export async function GET() {
  return Response.json(await filterOptions(getDb()));
}
