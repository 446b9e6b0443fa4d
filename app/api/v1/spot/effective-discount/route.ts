import { spotEffectiveDiscount } from '@/lib/analytics/spot-effective-discount';
import { analyticsRoute } from '@/lib/api/analytics-route';

export const GET = analyticsRoute(spotEffectiveDiscount);
