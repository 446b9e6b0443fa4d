import { sql } from 'drizzle-orm';
import { pgTable, integer, text, boolean, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { int64 } from './types';

/** See db/schema/requests.ts: one row per proxied call, money in exact integer pico-dollars. */
export const requests = pgTable(
  'requests',
  {
    id: int64('id').primaryKey().generatedByDefaultAsIdentity(),
    recordId: text('record_id'),
    startedAt: int64('started_at').notNull(), // epoch ms, UTC
    durationMs: int64('duration_ms').notNull(),
    ttftMs: int64('ttft_ms'),
    endpoint: text('endpoint').notNull(),
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    stream: boolean('stream').notNull(), // integer({ mode: 'boolean' }) in SQLite: the same JS boolean
    status: integer('status').notNull(),
    errorCode: text('error_code'),
    upstreamId: text('upstream_id'),
    upstreamRequestId: text('upstream_request_id'),
    apiKey: text('api_key').notNull(),
    user: text('user'), // a reserved word in PostgreSQL: raw SQL must write "user"
    sessionAffinity: text('session_affinity'),
    team: text('team'),
    teamSource: text('team_source'),
    project: text('project'),
    environment: text('environment'),
    tags: text('tags'),
    // Token counts and limits come from upstream bodies and headers: bigint, as SQLite took any 64-bit value.
    promptTokens: int64('prompt_tokens'),
    cachedPromptTokens: int64('cached_prompt_tokens'),
    completionTokens: int64('completion_tokens'),
    headerPromptTokens: int64('header_prompt_tokens'),
    headerCachedPromptTokens: int64('header_cached_prompt_tokens'),
    serverTtftMs: int64('server_ttft_ms'),
    serverProcessingMs: int64('server_processing_ms'),
    limitPromptTpm: int64('limit_prompt_tpm'),
    limitUncachedPromptTpm: int64('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: int64('limit_generated_tpm'),
    remainingPromptTokens: int64('remaining_prompt_tokens'),
    remainingUncachedPromptTokens: int64('remaining_uncached_prompt_tokens'),
    remainingGeneratedTokens: int64('remaining_generated_tokens'),
    overLimit: text('over_limit'),
    retryAfterS: int64('retry_after_s'),
    perfPromptTokens: int64('perf_prompt_tokens'),
    perfCachedPromptTokens: int64('perf_cached_prompt_tokens'),
    perfServerTtftMs: int64('perf_server_ttft_ms'),
    perfServerProcessingMs: int64('perf_server_processing_ms'),
    cachedTokensDisagree: integer('cached_tokens_disagree'), // 1 | 0 | null, summed as a number
    usageJson: text('usage_json'),
    priceId: integer('price_id'),
    costInputPico: int64('cost_input_pico'),
    costCachedInputPico: int64('cost_cached_input_pico'),
    costOutputPico: int64('cost_output_pico'),
    costTotalPico: int64('cost_total_pico'),
    cacheSavingsPico: int64('cache_savings_pico'),
    standardCostPico: int64('standard_cost_pico'),
    budgetId: integer('budget_id'),
  },
  (t) => [
    uniqueIndex('requests_record_id').on(t.recordId),
    index('requests_budget_started_at').on(t.budgetId, t.startedAt).where(sql`${t.budgetId} IS NOT NULL`),
    index('requests_started_at').on(t.startedAt),
    index('requests_api_key_started_at').on(t.apiKey, t.startedAt),
    index('requests_model_started_at').on(t.model, t.startedAt),
    // The request log's search by hour (see db/schema/requests.ts); bigint / bigint is integer division in PostgreSQL too.
    ...([
      ['requests_hour_upstream_id', t.upstreamId],
      ['requests_hour_upstream_request_id', t.upstreamRequestId],
      ['requests_hour_session_affinity', t.sessionAffinity],
      ['requests_hour_user', t.user],
    ] as const).map(([name, id]) => index(name).on(sql`(${t.startedAt} / 3600000)`, id)),
    // The log sorted by cost, by hour (see db/schema/requests.ts).
    index('requests_hour_cost').on(sql`(${t.startedAt} / 3600000)`, t.costTotalPico),
  ],
);

export type RequestRow = typeof requests.$inferSelect;
export type NewRequestRow = typeof requests.$inferInsert;
