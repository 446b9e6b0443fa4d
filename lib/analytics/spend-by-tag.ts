import type { Db } from '@/db/client';
import type { Filters } from './filters';
import { totalsBy, type UsageTotals } from './totals';

export interface TagSpendRow extends UsageTotals {
  /** From the Fireworks-Annotations header; '' when the call did not carry that tag. */
  team: string;
  project: string;
  environment: string;
}

export interface SpendByTag {
  rows: TagSpendRow[];
}

/** Spend per (team, project, environment) as tagged on the calls, largest first. */
export function spendByTag(db: Db, filters: Filters): SpendByTag {
  return { rows: totalsBy(db, filters, ['team', 'project', 'environment']) };
}
