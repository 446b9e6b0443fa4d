import type { ServingPath } from './serving-paths';

export type { ServingPath };
export type Region = 'global' | 'us';

export interface PriceRow {
  model: string;
  servingPath: ServingPath;
  region: Region;
  /** Integer micro-dollars per 1M tokens ($0.00875 -> 8750). */
  inputMicrosPerMtok: number;
  cachedInputMicrosPerMtok: number;
  outputMicrosPerMtok: number;
  /** YYYY-MM-DD, UTC. */
  effectiveFrom: string;
  source: string;
}

export interface TokenCounts {
  /** INCLUDES cached tokens. */
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

/** Exact pico-dollars (1e-12 $), never rounded: see lib/money.ts. */
export interface Cost {
  inputPico: number;
  cachedInputPico: number;
  outputPico: number;
  totalPico: number;
  cacheSavingsPico: number;
}
