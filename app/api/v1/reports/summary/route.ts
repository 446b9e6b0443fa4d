import { summaryQuerySchema, summaryReport } from '@/lib/analytics/reports-summary';
import { analyticsRouteWith } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRouteWith(summaryQuerySchema, summaryReport);
