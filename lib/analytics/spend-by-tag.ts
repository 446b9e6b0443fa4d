import type { AnalyticsDb } from './engine/run';
import type { Filters } from './engine/filters';
import { totalsWithPreviousBy, type UsageTotals } from './engine/totals';

export interface TagSpendRow extends UsageTotals {
  /** From the Fireworks-Annotations header; '' when the call did not carry that tag. */
  team: string;
  project: string;
  environment: string;
  previousSpendMicros: number;
}

export interface SpendByTag {
  rows: TagSpendRow[];
}

/** Spend per (team, project, environment) as tagged on the calls, largest first. */
export async function spendByTag(db: AnalyticsDb, filters: Filters): Promise<SpendByTag> {
  return { rows: await totalsWithPreviousBy(db, filters, ['team', 'project', 'environment']) };
}
