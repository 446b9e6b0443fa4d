import type { AnalyticsDb } from './engine/run';
import type { Filters } from './engine/filters';
import { totalsWithPreviousBy, type UsageTotals } from './engine/totals';

export interface ModelSpendRow extends UsageTotals {
  model: string;
  servingPath: string;
  /** The same model and path in the previous period. */
  previousSpendMicros: number;
}

export interface SpendByModel {
  rows: ModelSpendRow[];
}

/** Spend per model and serving path, largest first (a Fast router and its Standard model are different rows). */
export async function spendByModel(db: AnalyticsDb, filters: Filters): Promise<SpendByModel> {
  const rows = (await totalsWithPreviousBy(db, filters, ['model', 'serving_path'])).map(({ serving_path, ...t }) => ({ ...t, servingPath: serving_path }));
  return { rows };
}
