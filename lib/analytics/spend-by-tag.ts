import type { Db } from '@/db/client';
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
export function spendByTag(db: Db, filters: Filters): SpendByTag {
  return { rows: totalsWithPreviousBy(db, filters, ['team', 'project', 'environment']) };
}
