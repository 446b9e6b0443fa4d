import { getRuntime } from '@/lib/runtime';
import { batchPrice, computeCost, derivedPrice } from './cost';
import { DEFAULT_DERIVED_PERCENTS, SERVING_PATH_INFO, type DerivedPricePercents } from './serving-paths';
import type { PriceRow, Region, ServingPath, TokenCounts } from './types';

export const MODELS_PREFIX = 'accounts/fireworks/models/';
export const ROUTERS_PREFIX = 'accounts/fireworks/routers/';
export const US_HOST = 'us.api.fireworks.ai';

/** Drop a trailing "[1m]"-style suffix (Claude Code; stripped on the wire) and surrounding space. */
function stripSuffix(model: string): string {
  return model.trim().replace(/\[[^\]]*\]$/, '');
}

function hostOf(upstreamHost: string): string {
  let h = upstreamHost.trim().toLowerCase();
  if (h.includes('://')) {
    try {
      h = new URL(h).hostname;
    } catch {
      /* keep as is */
    }
  }
  return h.replace(/:\d+$/, '').replace(/\.$/, '');
}

/** The classification and derived-price settings the reference leaves UNCONFIRMED (see README). */
export interface ServingPathSettings {
  derivedPercents: DerivedPricePercents;
  /** Model-id suffixes that select Flex (its id form is not documented yet). */
  flexSuffixes: readonly string[];
  /** Whether `service_tier: "spot"` / `"flex"` select those paths (Fireworks' pages disagree). */
  serviceTierSpot: boolean;
  serviceTierFlex: boolean;
}

export const DEFAULT_SERVING_PATH_SETTINGS: ServingPathSettings = {
  derivedPercents: DEFAULT_DERIVED_PERCENTS,
  flexSuffixes: ['-flex'],
  serviceTierSpot: false,
  serviceTierFlex: false,
};

/** The running server's settings (the proxy and Next.js each see them through the runtime), else the defaults. */
export function servingPathSettings(): ServingPathSettings {
  const config = getRuntime()?.config;
  if (!config) return DEFAULT_SERVING_PATH_SETTINGS;
  return {
    derivedPercents: { ...DEFAULT_DERIVED_PERCENTS, spot: config.SPOT_PRICE_PERCENT },
    flexSuffixes: config.FLEX_MODEL_SUFFIXES,
    serviceTierSpot: config.SERVICE_TIER_SPOT,
    serviceTierFlex: config.SERVICE_TIER_FLEX,
  };
}

const SPOT_SUFFIX = '-spot';
const ULTRAFAST_SUFFIX = '-ultrafast';

/** The model id without the suffix that chose a derived path (Spot, Flex), for the Standard row's lookup. */
function derivedBase(model: string, path: ServingPath, settings: ServingPathSettings): string {
  const m = stripSuffix(model);
  const suffixes = path === 'spot' ? [SPOT_SUFFIX] : path === 'flex' ? settings.flexSuffixes : [];
  const found = suffixes.find((s) => m.endsWith(s));
  return found ? m.slice(0, -found.length) : m;
}

/**
 * The serving path and region of a request, from the request alone (the response carries no path
 * indicator). Reference §1 "How a proxy can tell the path", with §11's new paths:
 *  1. `accounts/fireworks/routers/<id>` ending `-ultrafast` → ultrafast; ending `-fast`, `-turbo`,
 *     `fast-latest` (also with `-us`) → fast. Plain `-latest` routers → standard.
 *  2. model id ending `-spot` → spot; ending a Flex suffix (a setting) → flex.
 *  3. model id ending `-us`, or upstream host `us.api.fireworks.ai` → region us.
 *  4. body `service_tier`: "priority" → priority; "spot" / "flex" → those paths only when the
 *     settings say so; other values → standard.
 */
export function classifyServingPath(
  input: { model: string; serviceTier?: unknown; upstreamHost: string },
  settings: ServingPathSettings = servingPathSettings(),
): { servingPath: ServingPath; region: Region } {
  const model = stripSuffix(input.model);
  const region: Region = model.endsWith('-us') || hostOf(input.upstreamHost) === US_HOST ? 'us' : 'global';
  const id = model.startsWith(ROUTERS_PREFIX) ? model.slice(ROUTERS_PREFIX.length).replace(/-us$/, '') : undefined;
  const tier = input.serviceTier;
  let servingPath: ServingPath = 'standard';
  if (id?.endsWith(ULTRAFAST_SUFFIX)) servingPath = 'ultrafast';
  else if (id && (id.endsWith('-fast') || id.endsWith('-turbo') || id.endsWith('fast-latest'))) servingPath = 'fast';
  else if (model.endsWith(SPOT_SUFFIX)) servingPath = 'spot';
  else if (settings.flexSuffixes.some((s) => model.endsWith(s))) servingPath = 'flex';
  else if (tier === 'priority') servingPath = 'priority';
  else if (tier === 'spot' && settings.serviceTierSpot) servingPath = 'spot';
  else if (tier === 'flex' && settings.serviceTierFlex) servingPath = 'flex';
  return { servingPath, region };
}

/**
 * Model-id spellings to try, most specific first: the id as given; a bare slug also as
 * `accounts/fireworks/models/<slug>`; `<acct>/<name>` also as `accounts/<acct>/models/<name>` and
 * vice versa (embedding ids such as `nomic-ai/nomic-embed-text-v1.5` are used in both forms).
 */
export function modelIdCandidates(model: string): string[] {
  const m = stripSuffix(model);
  const out = [m];
  if (!m.includes('/')) out.push(MODELS_PREFIX + m);
  const short = /^([^/]+)\/([^/]+)$/.exec(m);
  if (short && short[1] !== 'accounts') out.push(`accounts/${short[1]}/models/${short[2]}`);
  const full = /^accounts\/([^/]+)\/models\/([^/]+)$/.exec(m);
  if (full) out.push(`${full[1]}/${full[2]}`);
  return out;
}

/** UTC calendar date (YYYY-MM-DD) of `at`. */
function utcDate(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new RangeError('findPrice: invalid date');
  return at.toISOString().slice(0, 10);
}

function latestRow(rows: PriceRow[], model: string, path: ServingPath, region: Region, day: string): PriceRow | undefined {
  let best: PriceRow | undefined;
  for (const r of rows) {
    if (r.model !== model || r.servingPath !== path || r.region !== region || r.effectiveFrom > day) continue;
    if (!best || r.effectiveFrom > best.effectiveFrom) best = r;
  }
  return best;
}

/**
 * The price row in effect at `at` (greatest effectiveFrom ≤ the UTC date of `at`) for the exact
 * (model, servingPath, region). Batch → the standard row, halved. No fallback between paths or
 * regions: a priority request on a model without a Priority row, a US request on a model without a
 * US row, and any unknown model all return undefined ("unpriced"), never a zero price.
 */
export function findPrice(
  rows: PriceRow[],
  q: { model: string; servingPath: ServingPath; region: Region; at: Date },
  settings: ServingPathSettings = servingPathSettings(),
): PriceRow | undefined {
  const day = utcDate(q.at);
  const { price } = SERVING_PATH_INFO[q.servingPath];
  if (price === 'catalog') {
    for (const model of modelIdCandidates(q.model)) {
      const row = latestRow(rows, model, q.servingPath, q.region, day);
      if (row) return row;
    }
    return undefined;
  }
  for (const model of modelIdCandidates(derivedBase(q.model, q.servingPath, settings))) {
    const row = latestRow(rows, model, 'standard', q.region, day);
    if (row) return price === 'batch' ? batchPrice(row) : derivedPrice(row, q.servingPath, settings.derivedPercents[price]);
  }
  return undefined;
}

/**
 * The Standard counterpart of a row's model: priority/batch/standard → same model id; fast →
 * `accounts/fireworks/models/<router id without -us, then without -fast/-turbo>`.
 * Undefined for routers that do not name a base model (e.g. `glm-fast-latest`).
 */
export function standardBaseModel(row: Pick<PriceRow, 'model' | 'servingPath'>): string | undefined {
  if (row.servingPath !== 'fast' && row.servingPath !== 'ultrafast') return row.model;
  const model = stripSuffix(row.model);
  if (!model.startsWith(ROUTERS_PREFIX)) return undefined;
  const id = model.slice(ROUTERS_PREFIX.length).replace(/-us$/, '');
  const base = /^(.+)-(fast|turbo|ultrafast)$/.exec(id);
  if (!base?.[1] || base[1].endsWith('-latest') || id.endsWith('fast-latest')) return undefined;
  return MODELS_PREFIX + base[1];
}

/**
 * What the same tokens would have cost on the Standard row of the base model, same region, at `at`:
 * the "Priority and Fast premium" (actual − standard) and Spot's effective discount compare with it.
 * Undefined when that Standard row does not exist (e.g. GLM 5.2 Fast US: there is no GLM 5.2 US row).
 */
export function standardEquivalent(
  tokens: TokenCounts,
  row: PriceRow,
  rows: PriceRow[],
  at: Date,
): { standardPico: number } | undefined {
  const base = standardBaseModel(row);
  if (!base) return undefined;
  const std = findPrice(rows, { model: base, servingPath: 'standard', region: row.region, at });
  if (!std) return undefined;
  return { standardPico: computeCost(tokens, std).totalPico };
}
