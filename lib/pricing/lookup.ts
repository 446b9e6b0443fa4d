import { batchPrice, computeCost } from './cost';
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

/**
 * The serving path and region of a request, from the request alone (the response carries no path
 * indicator). Implements reference §1 "How a proxy can tell the path":
 *  1. `accounts/fireworks/routers/<id>` with id ending `-fast`, `-turbo`, `fast-latest`
 *     (also `-fast-us`) → fast. Plain `-latest` routers → standard.
 *  2. model id ending `-us`, or upstream host `us.api.fireworks.ai` → region us.
 *  3. body `service_tier === "priority"` (exactly) and not fast → priority. Other values → standard.
 *  4. otherwise standard. (Batch never passes the proxy.)
 */
export function classifyServingPath(input: { model: string; serviceTier?: unknown; upstreamHost: string }): {
  servingPath: 'standard' | 'priority' | 'fast';
  region: Region;
} {
  const model = stripSuffix(input.model);
  const isUsModel = model.endsWith('-us');
  let fast = false;
  if (model.startsWith(ROUTERS_PREFIX)) {
    const id = model.slice(ROUTERS_PREFIX.length).replace(/-us$/, '');
    fast = id.endsWith('-fast') || id.endsWith('-turbo') || id.endsWith('fast-latest');
  }
  const region: Region = isUsModel || hostOf(input.upstreamHost) === US_HOST ? 'us' : 'global';
  const servingPath = fast ? 'fast' : input.serviceTier === 'priority' ? 'priority' : 'standard';
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
): PriceRow | undefined {
  const day = utcDate(q.at);
  const path: ServingPath = q.servingPath === 'batch' ? 'standard' : q.servingPath;
  for (const model of modelIdCandidates(q.model)) {
    const row = latestRow(rows, model, path, q.region, day);
    if (row) return q.servingPath === 'batch' ? batchPrice(row) : row;
  }
  return undefined;
}

/**
 * The Standard counterpart of a row's model: priority/batch/standard → same model id; fast →
 * `accounts/fireworks/models/<router id without -us, then without -fast/-turbo>`.
 * Undefined for routers that do not name a base model (e.g. `glm-fast-latest`).
 */
export function standardBaseModel(row: Pick<PriceRow, 'model' | 'servingPath'>): string | undefined {
  if (row.servingPath !== 'fast') return row.model;
  const model = stripSuffix(row.model);
  if (!model.startsWith(ROUTERS_PREFIX)) return undefined;
  const id = model.slice(ROUTERS_PREFIX.length).replace(/-us$/, '');
  const base = /^(.+)-(fast|turbo)$/.exec(id);
  if (!base?.[1] || base[1].endsWith('-latest') || id.endsWith('fast-latest')) return undefined;
  return MODELS_PREFIX + base[1];
}

/**
 * What the same tokens would have cost on the Standard row of the base model, same region, at `at`
 * — for the "Priority and Fast premium" figure (premium = actual − standardMicros).
 * Undefined when that Standard row does not exist (e.g. GLM 5.2 Fast US: there is no GLM 5.2 US row).
 */
export function premiumOverStandard(
  tokens: TokenCounts,
  row: PriceRow,
  rows: PriceRow[],
  at: Date,
): { standardMicros: number } | undefined {
  const base = standardBaseModel(row);
  if (!base) return undefined;
  const std = findPrice(rows, { model: base, servingPath: 'standard', region: row.region, at });
  if (!std) return undefined;
  return { standardMicros: computeCost(tokens, std).totalMicros };
}
