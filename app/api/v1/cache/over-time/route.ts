import { cacheHitRateOverTime, cacheOverTimeQuerySchema } from '@/lib/analytics/cache-over-time';
import { analyticsRouteWith } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRouteWith(cacheOverTimeQuerySchema, cacheHitRateOverTime);
