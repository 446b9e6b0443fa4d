import { summaryReport } from '@/lib/analytics/summary-report';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(summaryReport);
