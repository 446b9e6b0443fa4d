/**
 * Every serving path Meter knows, in one list: a new path is one entry here (plus catalog rows if
 * it has prices of its own). Everything else (types, validation, filters, charts, pricing) derives
 * from it.
 *
 * `price`: `catalog` paths have their own dated price rows; the others are a share of the Standard
 * row of the same model (Spot's share is a setting: Fireworks' pages say 30% and 50% below).
 * `premium`: the path costs more than Standard and counts in "what Priority and Fast cost above
 * Standard". `live`: offered today (Batch is paused and kept for history).
 */
export const SERVING_PATH_LIST = [
  { id: 'standard', label: 'Standard', colour: '#6366f1', price: 'catalog', premium: false, live: true },
  { id: 'priority', label: 'Priority', colour: '#f59e0b', price: 'catalog', premium: true, live: true },
  { id: 'fast', label: 'Fast', colour: '#10b981', price: 'catalog', premium: true, live: true },
  { id: 'ultrafast', label: 'Ultra-fast', colour: '#ef4444', price: 'catalog', premium: true, live: true },
  { id: 'spot', label: 'Spot', colour: '#0ea5e9', price: 'spot', premium: false, live: true },
  { id: 'flex', label: 'Flex', colour: '#a855f7', price: 'flex', premium: false, live: true },
  { id: 'batch', label: 'Batch (history)', colour: '#64748b', price: 'batch', premium: false, live: false },
] as const;

export type ServingPath = (typeof SERVING_PATH_LIST)[number]['id'];
export type DerivedPrice = Exclude<(typeof SERVING_PATH_LIST)[number]['price'], 'catalog'>;

export const SERVING_PATHS = SERVING_PATH_LIST.map((p) => p.id) as [ServingPath, ...ServingPath[]];
/** Paths with price rows of their own in the catalog and the Settings form. */
export const CATALOG_PATHS = SERVING_PATH_LIST.filter((p) => p.price === 'catalog').map((p) => p.id) as [ServingPath, ...ServingPath[]];
export const PREMIUM_PATHS: ReadonlySet<ServingPath> = new Set(SERVING_PATH_LIST.filter((p) => p.premium).map((p) => p.id));
/** Paths billed at a share of Standard (Spot, Flex, Batch): their Standard equivalent is a saving, not a premium. */
export const DISCOUNTED_PATHS = SERVING_PATH_LIST.filter((p) => p.price !== 'catalog').map((p) => p.id);

export const SERVING_PATH_INFO = Object.fromEntries(SERVING_PATH_LIST.map((p) => [p.id, p])) as {
  [K in ServingPath]: Extract<(typeof SERVING_PATH_LIST)[number], { id: K }>;
};

/** Percent of the Standard price each derived path is billed at. */
export type DerivedPricePercents = Record<DerivedPrice, number>;

/** Batch 50% (Fireworks' batch pricing), Flex 50% (its launch notes), Spot 70% (30% off, UNCONFIRMED: also said 50%). */
export const DEFAULT_DERIVED_PERCENTS: DerivedPricePercents = { batch: 50, flex: 50, spot: 70 };
