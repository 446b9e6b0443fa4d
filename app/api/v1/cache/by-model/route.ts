import { cacheHitRateByModel } from '@/lib/analytics/cache-by-model';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(cacheHitRateByModel);
