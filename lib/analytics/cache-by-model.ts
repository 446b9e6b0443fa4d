import type { AnalyticsDb } from './engine/run';
import { byPromptTokens, cacheFigures, type CacheFigures } from './engine/cache-figures';
import type { Filters } from './engine/filters';
import { totalsBy } from './engine/totals';

export interface ModelCacheRow extends CacheFigures {
  model: string;
}

export interface CacheHitRateByModel {
  rows: ModelCacheRow[];
}

/** Prompt-cache figures per model (caches are per model), models that saw prompt tokens, most prompt tokens first. */
export async function cacheHitRateByModel(db: AnalyticsDb, filters: Filters): Promise<CacheHitRateByModel> {
  const rows = (await totalsBy(db, filters, ['model']))
    .filter((t) => t.promptTokens > 0)
    .map((t) => ({ model: t.model, ...cacheFigures(t) }))
    .sort(byPromptTokens);
  return { rows };
}
