import { spendByEndpoint } from '@/lib/analytics/spend-by-endpoint';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(spendByEndpoint);
