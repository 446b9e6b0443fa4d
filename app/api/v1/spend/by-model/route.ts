import { spendByModel } from '@/lib/analytics/spend-by-model';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(spendByModel);
