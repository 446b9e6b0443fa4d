import type { CompletedCall } from '@/lib/proxy/completed-call';
import type { RecordedEndpoint } from '@/lib/usage/request-facts';
import type { Region, ServingPath } from '@/lib/pricing/types';
import { createRandom } from '@/lib/random';

export { createRandom };

const M = 'accounts/fireworks/models/';
const R = 'accounts/fireworks/routers/';
interface Route { model: string; servingPath: ServingPath; region: Region; weight: number; endpoint?: RecordedEndpoint }
const ROUTES: Route[] = [
  { model: `${M}kimi-k3`, servingPath: 'standard', region: 'global', weight: 20 },
  { model: `${M}glm-5p2`, servingPath: 'standard', region: 'global', weight: 18 },
  { model: `${M}deepseek-v4p1-flash`, servingPath: 'standard', region: 'global', weight: 16 },
  { model: `${M}gpt-oss-120b`, servingPath: 'standard', region: 'global', weight: 10 },
  { model: `${M}kimi-k3`, servingPath: 'priority', region: 'global', weight: 8 },
  { model: `${M}glm-5p2`, servingPath: 'priority', region: 'global', weight: 5 },
  { model: `${R}kimi-k3-fast`, servingPath: 'fast', region: 'global', weight: 7 },
  { model: `${R}glm-5p2-fast`, servingPath: 'fast', region: 'global', weight: 5 },
  { model: `${R}kimi-k3-us`, servingPath: 'standard', region: 'us', weight: 4 },
  { model: 'nomic-ai/nomic-embed-text-v1.5', servingPath: 'standard', region: 'global', weight: 6, endpoint: 'embeddings' },
  { model: `${M}llama-v3p1-8b-instruct`, servingPath: 'standard', region: 'global', weight: 1 },
  { model: `${M}kimi-k3-spot`, servingPath: 'spot', region: 'global', weight: 2 },
  { model: `${R}deepseek-v4p1-flash-1017-ultrafast`, servingPath: 'ultrafast', region: 'global', weight: 0.5 },
  { model: `${M}some-unlisted-model`, servingPath: 'standard', region: 'global', weight: 0.3 }, // unpriced on purpose
];
const TOTAL_WEIGHT = ROUTES.reduce((s, r) => s + r.weight, 0);

const TEAMS = [
  { team: 'search', project: 'ranker', keys: ['3f2a9c1b…a1x9', '77b0e4d2…k2p0'] },
  { team: 'support', project: 'helpdesk-bot', keys: ['c09d1e5f…s7q1'] },
  { team: 'growth', project: 'copywriter', keys: ['5e6f7a8b…g3m4', 'a4b3c2d1…g9z8'] },
  { team: 'platform', project: 'evals', keys: ['0d9e8f7a…e5v6'] },
];

export interface SyntheticOptions {
  requests: number;
  days: number;
  end?: number;
  seed?: number;
}

/**
 * Calls as the proxy would hand them to the recorder: business-hour daily cycles, sessions whose
 * shared prefixes hit the cache (more often with an affinity key), bursts that run a key close to
 * its rate limits with some 429s and 503s, client hang-ups, and a few unpriced models.
 */
export function* syntheticCalls({ requests, days, end = Date.now(), seed = 1 }: SyntheticOptions): Generator<CompletedCall> {
  const random = createRandom(seed);
  const start = end - days * 86_400_000;
  const step = (end - start) / requests;
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (let i = 0; i < requests; i++) {
    // jitter inside the slot keeps time order (and the calls' spread) without sorting
    const startedAt = Math.floor(start + i * step + random() * step);
    const hour = new Date(startedAt).getUTCHours();
    const busy = hour >= 13 && hour <= 22; // US business hours in UTC
    const burst = Math.floor(startedAt / 3_600_000) % 29 === 0; // a burst hour now and then
    let w = random() * TOTAL_WEIGHT;
    const route = ROUTES.find((r) => (w -= r.weight) < 0) ?? ROUTES[0]!;
    const team = pick(TEAMS);
    const apiKey = pick(team.keys);
    const endpoint: RecordedEndpoint = route.endpoint ?? (random() < 0.08 ? 'messages' : random() < 0.05 ? 'completions' : 'chat/completions');
    const session = random() < 0.7 ? `${team.team}-session-${Math.floor(random() * 4000)}` : null;
    const roll = random();
    const status = burst && roll < 0.06 ? 429 : roll < 0.004 ? 503 : roll < 0.006 ? 499 : roll < 0.008 ? 404 : 200;
    const prompt = endpoint === 'embeddings' ? 20 + Math.floor(random() * 400) : 400 + Math.floor(random() * (busy ? 12_000 : 6_000));
    const hitShare = endpoint === 'embeddings' ? 0 : session ? 0.55 + random() * 0.4 : random() * 0.3;
    const cached = Math.floor((prompt * hitShare) / 16) * 16;
    const completion = endpoint === 'embeddings' ? 0 : 20 + Math.floor(random() * 700);
    const limitScale = route.servingPath === 'fast' ? 0.5 : 1;
    const ok = status === 200;
    yield {
      facts: {
        endpoint, model: route.model, stream: random() < 0.6, servingPath: route.servingPath, region: route.region, apiKey,
        user: null, sessionAffinity: session, team: team.team, project: team.project, environment: random() < 0.85 ? 'prod' : 'staging',
        tags: `team=${team.team},project=${team.project}`,
      },
      startedAt,
      durationMs: 200 + Math.floor(random() * 4000),
      ttftMs: 80 + Math.floor(random() * 600),
      status,
      errorCode: ok ? null : status === 499 ? 'client_closed_request' : status === 429 ? 'invalid_request_error' : String(status),
      responseId: ok ? `synthetic-${seed}-${i}` : null,
      usage: ok ? { promptTokens: prompt, cachedPromptTokens: cached, completionTokens: completion } : undefined,
      rawUsage: ok ? { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached } } : undefined,
      headers: {
        upstreamRequestId: `req-${seed}-${i}`, headerPromptTokens: ok ? prompt : null, headerCachedPromptTokens: ok ? cached : null,
        serverTtftMs: ok ? 40 + Math.floor(random() * 300) : null, serverProcessingMs: ok ? 300 + Math.floor(random() * 3000) : null,
        limitPromptTpm: Math.round(3_600_000 * limitScale), limitUncachedPromptTpm: Math.round(900_000 * limitScale), limitGeneratedTpm: Math.round(36_000 * limitScale),
        remainingPromptTokens: null, remainingUncachedPromptTokens: null, remainingGeneratedTokens: burst ? Math.floor(random() * 4000) : null,
        overLimit: burst ? 'yes' : 'no',
        retryAfterS: status === 503 && route.servingPath === 'spot' ? 5 : null,
      },
    };
  }
}
