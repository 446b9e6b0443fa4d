import type { Db } from '@/db/client';
import type { Filters } from './engine/filters';
import { totalsWithPreviousBy, type UsageTotals } from './engine/totals';

export interface EndpointSpendRow extends UsageTotals {
  /** The path called (chat/completions, completions, embeddings, messages); '' for old totals whose raw rows were dropped before Meter kept it. */
  endpoint: string;
  previousSpendMicros: number;
}

export interface SpendByEndpoint {
  rows: EndpointSpendRow[];
}

/** Spend and calls per endpoint, largest spend first. */
export function spendByEndpoint(db: Db, filters: Filters): SpendByEndpoint {
  return { rows: totalsWithPreviousBy(db, filters, ['endpoint']) };
}
