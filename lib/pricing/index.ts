export type { Cost, PriceRow, Region, ServingPath, TokenCounts } from './types';
export {
  CatalogError,
  DEFAULT_SIZE_BASED_CACHED_RATIO_BP,
  catalogKey,
  defaultCatalogDir,
  formatMicrosAsUsd,
  loadCatalog,
  parseUsdToMicros,
  type LoadCatalogOptions,
} from './catalog';
export { batchPrice, computeCost } from './cost';
export { classifyServingPath, findPrice, modelIdCandidates, standardEquivalent, standardBaseModel } from './lookup';
