import type { AnalyticsDb } from './engine/run';
import { previousPeriod, type Filters } from './engine/filters';
import { totalsBy, type UsageTotals } from './engine/totals';

export interface OverviewTotals {
  current: UsageTotals;
  previous: UsageTotals;
  previousRange: { from: string; to: string };
}

/** The headline figures for the range, and the same for the period just before it. */
export async function overviewTotals(db: AnalyticsDb, filters: Filters): Promise<OverviewTotals> {
  const before = previousPeriod(filters);
  return {
    current: (await totalsBy(db, filters, []))[0]!,
    previous: (await totalsBy(db, before, []))[0]!,
    previousRange: { from: before.from.toISOString(), to: before.to.toISOString() },
  };
}
