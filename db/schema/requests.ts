import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * One row per proxied inference call. Money columns are exact integer pico-dollars (1e-12 $,
 * lib/money.ts); a null `cost_total_pico` means the request is unpriced or its usage unknown
 * (never read it as $0). Prompt and completion text are never stored.
 */
export const requests = sqliteTable(
  'requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Unique per completed call, given before the call is journaled: replaying a journal line that is
    // already here is skipped, so a call is never counted twice. Time-ordered, so new ids land at the
    // end of the index. Null on rows recorded before the journal existed.
    recordId: text('record_id'),
    startedAt: integer('started_at').notNull(), // epoch ms, UTC
    durationMs: integer('duration_ms').notNull(),
    ttftMs: integer('ttft_ms'), // first response byte as seen by the proxy
    endpoint: text('endpoint').notNull(), // chat/completions | completions | embeddings | messages
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(), // standard | priority | fast | batch
    region: text('region').notNull(), // global | us
    stream: integer('stream', { mode: 'boolean' }).notNull(),
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    upstreamId: text('upstream_id'),
    upstreamRequestId: text('upstream_request_id'), // x-request-id
    apiKey: text('api_key').notNull(), // fingerprint, never the key
    user: text('user'),
    sessionAffinity: text('session_affinity'),
    team: text('team'), // Fireworks-Annotations' team, else the API key's team from Settings (lib/settings/key-teams.ts)
    teamSource: text('team_source'), // annotation | api_key; null when neither named a team
    project: text('project'),
    environment: text('environment'),
    tags: text('tags'), // Fireworks-Annotations as sent, normalised to k=v,k=v
    promptTokens: integer('prompt_tokens'), // includes cached tokens
    cachedPromptTokens: integer('cached_prompt_tokens'),
    completionTokens: integer('completion_tokens'),
    headerPromptTokens: integer('header_prompt_tokens'),
    headerCachedPromptTokens: integer('header_cached_prompt_tokens'),
    serverTtftMs: integer('server_ttft_ms'),
    serverProcessingMs: integer('server_processing_ms'),
    limitPromptTpm: integer('limit_prompt_tpm'),
    limitUncachedPromptTpm: integer('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: integer('limit_generated_tpm'),
    remainingPromptTokens: integer('remaining_prompt_tokens'),
    remainingUncachedPromptTokens: integer('remaining_uncached_prompt_tokens'),
    remainingGeneratedTokens: integer('remaining_generated_tokens'),
    overLimit: text('over_limit'),
    retryAfterS: integer('retry_after_s'), // Retry-After on 429/503 (Spot), in seconds
    // perf_metrics from the body or the final chunk (asked for with perf_metrics_in_response)
    perfPromptTokens: integer('perf_prompt_tokens'),
    perfCachedPromptTokens: integer('perf_cached_prompt_tokens'),
    perfServerTtftMs: integer('perf_server_ttft_ms'),
    perfServerProcessingMs: integer('perf_server_processing_ms'),
    // 1 when usage, the fireworks-cached-prompt-tokens header and perf_metrics disagree on cached
    // tokens; 0 when at least two agree; null when fewer than two were reported
    cachedTokensDisagree: integer('cached_tokens_disagree'),
    usageJson: text('usage_json'),
    priceId: integer('price_id'),
    costInputPico: integer('cost_input_pico'),
    costCachedInputPico: integer('cost_cached_input_pico'),
    costOutputPico: integer('cost_output_pico'),
    costTotalPico: integer('cost_total_pico'),
    cacheSavingsPico: integer('cache_savings_pico'),
    standardCostPico: integer('standard_cost_pico'), // same tokens on Standard, for the premium figure
    budgetId: integer('budget_id'), // the budget that refused the call (status 402, error budget_exceeded)
  },
  (t) => [
    uniqueIndex('requests_record_id').on(t.recordId),
    index('requests_budget_started_at').on(t.budgetId, t.startedAt).where(sql`${t.budgetId} IS NOT NULL`),
    index('requests_started_at').on(t.startedAt),
    index('requests_api_key_started_at').on(t.apiKey, t.startedAt),
    index('requests_model_started_at').on(t.model, t.startedAt),
    // The request log's search, a prefix range on each of four ids within each hour of the range.
    // Hour first: ids are random, so an index on the id alone took every new row to a random page,
    // which halved the recorder's speed once the table held millions of rows; by hour, new rows
    // land in the newest pages. lib/analytics/requests.ts queries the same expression.
    ...([
      ['requests_hour_upstream_id', t.upstreamId],
      ['requests_hour_upstream_request_id', t.upstreamRequestId],
      ['requests_hour_session_affinity', t.sessionAffinity],
      ['requests_hour_user', t.user],
    ] as const).map(([name, id]) => index(name).on(sql`${t.startedAt} / 3600000`, id)),
    // The log sorted by cost, by hour for the same reason: lib/analytics/engine/request-log-top.ts
    // reads each hour's largest cost from it. Duration and time to first byte have none: each such
    // index took about a tenth of the recorder's speed on live traffic (BENCHMARKS.md).
    index('requests_hour_cost').on(sql`${t.startedAt} / 3600000`, t.costTotalPico),
  ],
);

export type RequestRow = typeof requests.$inferSelect;
export type NewRequestRow = typeof requests.$inferInsert;
