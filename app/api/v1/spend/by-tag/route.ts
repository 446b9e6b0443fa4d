import { spendByTag } from '@/lib/analytics/spend-by-tag';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(spendByTag);
