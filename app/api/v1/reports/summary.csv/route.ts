import { getDb } from '@/db/client';
import { bomSchema } from '@/lib/export/bom';
import { summaryQuerySchema, summaryReport } from '@/lib/analytics/reports-summary';
import { parseQuery } from '@/lib/api/query';
import { summaryCsv, summaryCsvFileName } from '@/lib/export/summary-csv';

export const dynamic = 'force-dynamic';

export async function GET(request: Request) {
  const query = parseQuery(summaryQuerySchema.and(bomSchema), request.url);
  if (!query.ok) return query.response;
  const { from, to, tz, bom } = query.data;
  const csv = summaryCsv(await summaryReport(getDb(), query.data));
  return new Response(bom === '1' ? `\uFEFF${csv}` : csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${summaryCsvFileName(from, to, tz)}"`,
      'cache-control': 'no-store',
    },
  });
}
