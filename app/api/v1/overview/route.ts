import { overviewTotals } from '@/lib/analytics/overview';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(overviewTotals);
