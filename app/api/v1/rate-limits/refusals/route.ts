import { rateLimitRefusals } from '@/lib/analytics/rate-limit-refusals';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const GET = analyticsRoute(rateLimitRefusals);
