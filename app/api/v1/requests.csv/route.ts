import { getDb } from '@/db/client';
import { filtersSchema } from '@/lib/analytics/filters';
import { parseQuery } from '@/lib/api/query';
import { requestsCsvFileName, requestsCsvStream } from '@/lib/export/requests-csv';

export const dynamic = 'force-dynamic';

/** Every call in [from, to) matching the page's filters; `tz` is accepted but times stay UTC. */
export async function GET(request: Request) {
  const query = parseQuery(filtersSchema, request.url);
  if (!query.ok) return query.response;
  const { from, to, tz: _tz, ...filters } = query.data;
  return new Response(requestsCsvStream(getDb(), from, to, filters), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${requestsCsvFileName(from, to)}"`,
      'cache-control': 'no-store',
    },
  });
}
