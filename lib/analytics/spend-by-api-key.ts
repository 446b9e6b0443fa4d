import type { AnalyticsDb } from './engine/run';
import { apiKeyLabels } from './engine/api-key-labels';
import type { Filters } from './engine/filters';
import { totalsWithPreviousBy, type UsageTotals } from './engine/totals';

export interface ApiKeySpendRow extends UsageTotals {
  /** The fingerprint, never the key. */
  apiKey: string;
  /** From Settings' key labels; null when the key has none. */
  label: string | null;
  team: string | null;
  previousSpendMicros: number;
}

export interface SpendByApiKey {
  rows: ApiKeySpendRow[];
}

/** Spend per API key, largest first, with the label and team a person gave the key. */
export async function spendByApiKey(db: AnalyticsDb, filters: Filters): Promise<SpendByApiKey> {
  const labelOf = await apiKeyLabels(db);
  const rows = (await totalsWithPreviousBy(db, filters, ['api_key'])).map(({ api_key, ...t }) => ({ ...t, apiKey: api_key, ...labelOf(api_key) }));
  return { rows };
}
