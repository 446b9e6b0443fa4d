import { spendByApiKey } from '@/lib/analytics/spend-by-api-key';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(spendByApiKey);
