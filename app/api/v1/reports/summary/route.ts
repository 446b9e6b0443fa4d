import { summaryQuerySchema, summaryReport } from '@/lib/analytics/summary-report';
import { analyticsRouteWith } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRouteWith(summaryQuerySchema, summaryReport);
