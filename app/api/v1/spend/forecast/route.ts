import { spendForecast } from '@/lib/analytics/spend-forecast';
import { analyticsRoute } from '@/lib/api/analytics-route';
import { meterNow } from '@/lib/clock';

export const GET = analyticsRoute((db, filters) => spendForecast(db, filters, meterNow()));
