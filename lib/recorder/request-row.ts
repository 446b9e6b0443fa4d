import type { NewRequestRow } from '@/db/schema';
import type { CompletedCall } from '@/lib/proxy/completed-call';
import type { Pricing } from '@/lib/pricing/price-book';
import type { TeamSource } from '@/lib/settings/key-teams';
import { cachedTokensDisagree } from '@/lib/usage/perf-metrics';

const toFlag = (v: boolean | null) => (v === null ? null : v ? 1 : 0);
const teamFromAnnotation = (call: CompletedCall) => ({ team: call.facts.team, teamSource: call.facts.team === null ? null : ('annotation' as const) });

/** The database row for a finished call. Prompt and completion text never reach this point. */
/** `team` is the call's one team (lib/settings/key-teams.ts): its annotation's, else its key's from Settings. */
export function requestRow(call: CompletedCall, pricing: Pricing, { team, teamSource }: { team: string | null; teamSource: TeamSource | null } = teamFromAnnotation(call)): NewRequestRow {
  const { facts, usage, headers, perfMetrics: perf } = call;
  return {
    startedAt: call.startedAt,
    durationMs: call.durationMs,
    ttftMs: call.ttftMs,
    endpoint: facts.endpoint,
    model: facts.model,
    servingPath: facts.servingPath,
    region: facts.region,
    stream: facts.stream,
    status: call.status,
    errorCode: call.errorCode,
    upstreamId: call.responseId,
    upstreamRequestId: headers?.upstreamRequestId ?? null,
    apiKey: facts.apiKey,
    user: facts.user,
    sessionAffinity: facts.sessionAffinity,
    team,
    teamSource,
    project: facts.project,
    environment: facts.environment,
    tags: facts.tags,
    promptTokens: usage?.promptTokens ?? null,
    cachedPromptTokens: usage?.cachedPromptTokens ?? null,
    completionTokens: usage?.completionTokens ?? null,
    headerPromptTokens: headers?.headerPromptTokens ?? null,
    headerCachedPromptTokens: headers?.headerCachedPromptTokens ?? null,
    serverTtftMs: headers?.serverTtftMs ?? null,
    serverProcessingMs: headers?.serverProcessingMs ?? null,
    limitPromptTpm: headers?.limitPromptTpm ?? null,
    limitUncachedPromptTpm: headers?.limitUncachedPromptTpm ?? null,
    limitGeneratedTpm: headers?.limitGeneratedTpm ?? null,
    remainingPromptTokens: headers?.remainingPromptTokens ?? null,
    remainingUncachedPromptTokens: headers?.remainingUncachedPromptTokens ?? null,
    remainingGeneratedTokens: headers?.remainingGeneratedTokens ?? null,
    overLimit: headers?.overLimit ?? null,
    retryAfterS: headers?.retryAfterS ?? null,
    perfPromptTokens: perf?.promptTokens ?? null,
    perfCachedPromptTokens: perf?.cachedPromptTokens ?? null,
    perfServerTtftMs: perf?.serverTtftMs ?? null,
    perfServerProcessingMs: perf?.serverProcessingMs ?? null,
    cachedTokensDisagree: toFlag(cachedTokensDisagree(usage?.cachedPromptTokens, headers?.headerCachedPromptTokens, perf?.cachedPromptTokens)),
    usageJson: call.rawUsage === undefined ? null : JSON.stringify(call.rawUsage),
    priceId: pricing.priceId,
    costInputPico: pricing.cost?.inputPico ?? null,
    costCachedInputPico: pricing.cost?.cachedInputPico ?? null,
    costOutputPico: pricing.cost?.outputPico ?? null,
    costTotalPico: pricing.cost?.totalPico ?? null,
    cacheSavingsPico: pricing.cost?.cacheSavingsPico ?? null,
    standardCostPico: pricing.standardCostPico,
    budgetId: call.budgetId ?? null,
  };
}
