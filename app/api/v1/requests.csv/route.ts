import { getDb } from '@/db/client';
import { csvQuerySchema, withBom } from '@/lib/export/bom';
import { parseQuery } from '@/lib/api/query';
import { requestsCsvFileName, requestsCsvStream } from '@/lib/export/requests-csv';

export const dynamic = 'force-dynamic';

/** Every call in [from, to) matching the page's filters; `tz` is accepted but times stay UTC. */
export async function GET(request: Request) {
  const query = parseQuery(csvQuerySchema, request.url);
  if (!query.ok) return query.response;
  const { from, to, tz: _tz, bom, ...filters } = query.data;
  const csv = requestsCsvStream(getDb(), from, to, filters);
  return new Response(bom === '1' ? withBom(csv) : csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${requestsCsvFileName(from, to)}"`,
      'cache-control': 'no-store',
    },
  });
}
