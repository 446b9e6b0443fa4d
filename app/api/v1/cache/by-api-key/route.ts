import { cacheHitRateByApiKey } from '@/lib/analytics/cache-by-api-key';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(cacheHitRateByApiKey);
