import { rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(rateLimitHeadroom);
