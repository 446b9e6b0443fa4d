import type { NewRequestRow, RequestRow } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { picoToUsdString, sumPico } from '@/lib/money';
import { DAY_MS } from '@/lib/rollups/definition';
import { createRandom } from '@/lib/seed/synthetic-calls';
import { RECORDED_ENDPOINTS } from '@/lib/usage/endpoints';

export const T0 = Date.UTC(2026, 8, 1);
export const DAYS = 6;

/** Calls over DAYS days from T0 on every endpoint, with every dimension varied and money below a micro-dollar. */
export function callsOnEveryEndpoint(seed: number, n: number): NewRequestRow[] {
  const r = createRandom(seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, () => {
    const status = pick([200, 200, 200, 200, 429, 503, 402, 499]);
    const ok = status === 200;
    const prompt = Math.floor(r() * 4000);
    const priced = ok && r() > 0.1;
    return {
      startedAt: T0 + Math.floor(r() * DAYS * DAY_MS), durationMs: 10, endpoint: pick(RECORDED_ENDPOINTS), model: pick(['m/a', 'm/b']),
      servingPath: pick(['standard', 'priority', 'spot']), region: pick(['global', 'us']), stream: false, status, apiKey: pick(['k1', 'k2']),
      team: pick(['search', null]), project: pick(['p', null]), environment: pick(['prod', null]), sessionAffinity: pick(['s1', null]),
      promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? Math.floor(prompt * r()) : null, completionTokens: ok ? Math.floor(r() * 200) : null,
      costTotalPico: priced ? Math.floor(r() * 30_000_000_000) : null, cacheSavingsPico: priced ? Math.floor(r() * 700_000_000) : null,
      standardCostPico: priced && r() > 0.4 ? Math.floor(r() * 20_000_000_000) : null, cachedTokensDisagree: ok ? pick([0, 1, null]) : null,
    };
  });
}

export const range = (from: number, to: number, over: Record<string, string | string[]> = {}): Filters =>
  filtersSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...over });

/** What the raw rows say for a range filtered by endpoint, model and team: calls, money and tokens as the totals name them. */
export function totalsFromRaw(rows: readonly RequestRow[], f: Filters) {
  const mine = rows.filter((r) => r.startedAt >= f.from.getTime() && r.startedAt < f.to.getTime() && (!f.endpoint.length || f.endpoint.includes(r.endpoint))
    && (!f.model.length || f.model.includes(r.model)) && (!f.team.length || f.team.includes(r.team ?? '')));
  return {
    requests: mine.length,
    spendUsd: picoToUsdString(sumPico(mine.map((r) => r.costTotalPico))),
    cacheSavingsUsd: picoToUsdString(sumPico(mine.map((r) => r.cacheSavingsPico))),
    promptTokens: mine.reduce((s, r) => s + (r.promptTokens ?? 0), 0),
    rateLimited: mine.filter((r) => r.status === 429).length,
    unpricedRequests: mine.filter((r) => r.promptTokens !== null && r.costTotalPico === null).length,
  };
}

export const only = <T extends object>(t: T, keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, (t as Record<string, unknown>)[k]]));
