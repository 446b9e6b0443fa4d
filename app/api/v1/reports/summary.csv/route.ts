import { getDb } from '@/db/client';
import { filtersSchema } from '@/lib/analytics/filters';
import { summaryReport } from '@/lib/analytics/summary-report';
import { parseQuery } from '@/lib/api/query';
import { summaryCsv, summaryCsvFileName } from '@/lib/export/summary-csv';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const query = parseQuery(filtersSchema, request.url);
  if (!query.ok) return query.response;
  const { from, to, tz } = query.data;
  return new Response(summaryCsv(summaryReport(getDb(), query.data)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${summaryCsvFileName(from, to, tz)}"`,
      'cache-control': 'no-store',
    },
  });
}
