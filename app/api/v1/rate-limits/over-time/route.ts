import { rateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(rateLimitUsageOverTime);
