import { spendOverTime, spendOverTimeQuerySchema } from '@/lib/analytics/spend-over-time';
import { analyticsRouteWith } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRouteWith(spendOverTimeQuerySchema, (db, input) => spendOverTime(db, input));
