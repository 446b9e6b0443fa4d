import { cacheAffinityComparison } from '@/lib/analytics/cache-affinity';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(cacheAffinityComparison);
