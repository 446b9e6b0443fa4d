import { sessionsWithWorstHitRate } from '@/lib/analytics/cache-worst-sessions';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(sessionsWithWorstHitRate);
