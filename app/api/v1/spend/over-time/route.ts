import { spendOverTimeByServingPath } from '@/lib/analytics/spend-over-time';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(spendOverTimeByServingPath);
