import { rateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const GET = analyticsRoute(rateLimitRefusals);
