import { sessionsWithWorstHitRate } from '@/lib/analytics/sessions-with-worst-hit-rate';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const dynamic = 'force-dynamic';
export const GET = analyticsRoute(sessionsWithWorstHitRate);
