import type { Db } from '@/db/client';
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
export function spendByApiKey(db: Db, filters: Filters): SpendByApiKey {
  const labelOf = apiKeyLabels(db);
  const rows = totalsWithPreviousBy(db, filters, ['api_key']).map(({ api_key, ...t }) => ({ ...t, apiKey: api_key, ...labelOf(api_key) }));
  return { rows };
}
