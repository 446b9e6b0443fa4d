import type { AnalyticsDb } from './engine/run';
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
export async function spendByEndpoint(db: AnalyticsDb, filters: Filters): Promise<SpendByEndpoint> {
  return { rows: await totalsWithPreviousBy(db, filters, ['endpoint']) };
}
