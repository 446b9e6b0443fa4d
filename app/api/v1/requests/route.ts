import { requestLog, requestLogSchema } from '@/lib/analytics/requests';
import { analyticsRouteWith } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRouteWith(requestLogSchema, requestLog);
