import { cacheHitRateOverTime } from '@/lib/analytics/cache-hit-rate-over-time';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(cacheHitRateOverTime);
