import type { AnalyticsDb } from './engine/run';
import { apiKeyLabels } from './engine/api-key-labels';
import { byPromptTokens, cacheFigures, type CacheFigures } from './engine/cache-figures';
import type { Filters } from './engine/filters';
import { totalsBy } from './engine/totals';

export interface ApiKeyCacheRow extends CacheFigures {
  apiKey: string;
  label: string | null;
  team: string | null;
}

export interface CacheHitRateByApiKey {
  rows: ApiKeyCacheRow[];
}

/** Prompt-cache figures per API key (each key is usually one application), most prompt tokens first. */
export async function cacheHitRateByApiKey(db: AnalyticsDb, filters: Filters): Promise<CacheHitRateByApiKey> {
  const labelOf = await apiKeyLabels(db);
  const rows = (await totalsBy(db, filters, ['api_key']))
    .filter((t) => t.promptTokens > 0)
    .map((t) => ({ apiKey: t.api_key, ...labelOf(t.api_key), ...cacheFigures(t) }))
    .sort(byPromptTokens);
  return { rows };
}
