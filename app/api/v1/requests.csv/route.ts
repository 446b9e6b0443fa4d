import { getDb } from '@/db/client';
import { parseQuery, rangeSchema } from '@/lib/api/query';
import { requestsCsvFileName, requestsCsvStream } from '@/lib/export/requests-csv';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const query = parseQuery(rangeSchema, request.url);
  if (!query.ok) return query.response;
  const { from, to } = query.data;
  return new Response(requestsCsvStream(getDb(), from, to), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${requestsCsvFileName(from, to)}"`,
      'cache-control': 'no-store',
    },
  });
}
