import { sql } from 'drizzle-orm';
import { pgTable, integer, text, doublePrecision, primaryKey, index } from 'drizzle-orm/pg-core';
import { int64 } from './types';

// See db/schema/rollups.ts for what each table and measure is. Every measure is a sum: bigint.
// SQLite's REAL is an 8-byte float: double precision here (PostgreSQL's `real` is 4 bytes).

function usageMeasures() {
  return {
    requests: int64('requests').notNull(),
    errors: int64('errors').notNull(),
    rateLimited: int64('rate_limited').notNull(),
    overloaded: int64('overloaded').notNull(),
    paymentRequired: int64('payment_required').notNull().default(0),
    unpriced: int64('unpriced').notNull(),
    usageUnknown: int64('usage_unknown').notNull().default(0),
    promptTokens: int64('prompt_tokens').notNull(),
    cachedTokens: int64('cached_tokens').notNull(),
    completionTokens: int64('completion_tokens').notNull(),
    costMicros: int64('cost_micros').notNull(),
    costPicoRemainder: int64('cost_pico_remainder').notNull().default(0),
    savingsMicros: int64('savings_micros').notNull(),
    savingsPicoRemainder: int64('savings_pico_remainder').notNull().default(0),
    standardCostMicros: int64('standard_cost_micros').notNull(),
    standardCostPicoRemainder: int64('standard_cost_pico_remainder').notNull().default(0),
    premiumCostMicros: int64('premium_cost_micros').notNull(),
    premiumCostPicoRemainder: int64('premium_cost_pico_remainder').notNull().default(0),
    hitRatePpmSum: int64('hit_rate_ppm_sum').notNull(),
    requestsWithPrompt: int64('requests_with_prompt').notNull(),
    cachedMismatch: int64('cached_mismatch').notNull().default(0),
  };
}

function reportedByFireworks() {
  return {
    reportedPromptFree: doublePrecision('reported_prompt_free'),
    reportedUncachedFree: doublePrecision('reported_uncached_free'),
    reportedGeneratedFree: doublePrecision('reported_generated_free'),
    overLimit: int64('over_limit').notNull().default(0),
  };
}

function dailyDimensions() {
  return {
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    apiKey: text('api_key').notNull(),
    team: text('team').notNull(),
    project: text('project').notNull(),
    environment: text('environment').notNull(),
    hasAffinity: integer('has_affinity').notNull(), // 0 | 1, as in SQLite (part of the key, summed and compared as a number)
  };
}

/** Every dimension: the daily ones and the endpoint. */
function allDimensions() {
  return { ...dailyDimensions(), endpoint: text('endpoint').notNull() };
}

export const usageHourly = pgTable(
  'usage_hourly',
  { hourStart: int64('hour_start').notNull(), ...allDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ name: 'usage_hourly_pkey', columns: [t.hourStart, t.model, t.servingPath, t.region, t.apiKey, t.team, t.project, t.environment, t.hasAffinity, t.endpoint] })],
);

export const usageDaily = pgTable(
  'usage_daily',
  { dayStart: int64('day_start').notNull(), ...dailyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ name: 'usage_daily_pkey', columns: [t.dayStart, t.model, t.servingPath, t.region, t.apiKey, t.team, t.project, t.environment, t.hasAffinity] })],
);

export const usageHourlyCompact = pgTable(
  'usage_hourly_compact',
  {
    hourStart: int64('hour_start').notNull(),
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    endpoint: text('endpoint').notNull(), // '' as in usage_hourly
    ...usageMeasures(),
  },
  (t) => [primaryKey({ name: 'usage_hourly_compact_pkey', columns: [t.hourStart, t.model, t.servingPath, t.region, t.endpoint] })],
);

function byKeyDimensions() {
  return {
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    apiKey: text('api_key').notNull(),
  };
}

// WITHOUT ROWID in SQLite has no PostgreSQL counterpart: every table here is a heap with a primary-key index.
export const usageHourlyByKey = pgTable(
  'usage_hourly_by_key',
  { hourStart: int64('hour_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ name: 'usage_hourly_by_key_pkey', columns: [t.hourStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

export const usageDailyByKey = pgTable(
  'usage_daily_by_key',
  { dayStart: int64('day_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ name: 'usage_daily_by_key_pkey', columns: [t.dayStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

export const usageQuarterHourlyByKey = pgTable(
  'usage_quarter_hourly_by_key',
  { quarterStart: int64('quarter_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ name: 'usage_quarter_hourly_by_key_pkey', columns: [t.quarterStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

export const rateLimitMinutely = pgTable(
  'rate_limit_minutely',
  {
    minuteStart: int64('minute_start').notNull(),
    model: text('model').notNull(),
    apiKey: text('api_key').notNull(),
    requests: int64('requests').notNull(),
    rateLimited: int64('rate_limited').notNull(),
    overloaded: int64('overloaded').notNull(),
    promptTokens: int64('prompt_tokens').notNull(),
    uncachedPromptTokens: int64('uncached_prompt_tokens').notNull(),
    generatedTokens: int64('generated_tokens').notNull(),
    limitPromptTpm: int64('limit_prompt_tpm'),
    limitUncachedPromptTpm: int64('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: int64('limit_generated_tpm'),
    ...reportedByFireworks(),
  },
  (t) => [primaryKey({ name: 'rate_limit_minutely_pkey', columns: [t.minuteStart, t.model, t.apiKey] }), index('rate_limit_minutely_model').on(t.model, t.minuteStart)],
);

/** The api_key of the rows that sum a model's keys minute by minute (the same as db/schema's). */
export const ALL_KEYS = '*';

export const rateLimitHourly = pgTable(
  'rate_limit_hourly',
  {
    apiKey: text('api_key').notNull(),
    hourStart: int64('hour_start').notNull(),
    model: text('model').notNull(),
    requests: int64('requests').notNull(),
    rateLimited: int64('rate_limited').notNull(),
    overloaded: int64('overloaded').notNull(),
    busiestPromptTokens: int64('busiest_prompt_tokens').notNull(),
    busiestUncachedPromptTokens: int64('busiest_uncached_prompt_tokens').notNull(),
    busiestGeneratedTokens: int64('busiest_generated_tokens').notNull(),
    limitPromptTpm: int64('limit_prompt_tpm'),
    limitUncachedPromptTpm: int64('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: int64('limit_generated_tpm'),
    peakMinuteStart: int64('peak_minute_start').notNull(),
    peakPromptTokens: int64('peak_prompt_tokens').notNull(),
    peakUncachedPromptTokens: int64('peak_uncached_prompt_tokens').notNull(),
    peakGeneratedTokens: int64('peak_generated_tokens').notNull(),
    peakLimitPromptTpm: int64('peak_limit_prompt_tpm'),
    peakLimitUncachedPromptTpm: int64('peak_limit_uncached_prompt_tpm'),
    peakLimitGeneratedTpm: int64('peak_limit_generated_tpm'),
    peakShare: doublePrecision('peak_share').notNull(),
    ...reportedByFireworks(),
  },
  // Key first, as in SQLite. Without WITHOUT ROWID the '*' rows are not stored side by side; a
  // CLUSTER on the primary key (or an index-only scan once visible) is the PostgreSQL answer if needed.
  (t) => [primaryKey({ name: 'rate_limit_hourly_pkey', columns: [t.apiKey, t.hourStart, t.model] })],
);

export const sessionTotals = pgTable(
  'session_totals',
  {
    sessionAffinity: text('session_affinity').notNull(),
    apiKey: text('api_key').notNull(),
    model: text('model').notNull(),
    requests: int64('requests').notNull(),
    promptTokens: int64('prompt_tokens').notNull(),
    cachedTokens: int64('cached_tokens').notNull(),
    firstSeen: int64('first_seen').notNull(),
    lastSeen: int64('last_seen').notNull(),
  },
  (t) => [
    primaryKey({ name: 'session_totals_pkey', columns: [t.sessionAffinity, t.apiKey, t.model] }),
    // SQLite's CAST(… AS REAL) is a double; PostgreSQL's REAL is a float4, so the expression says
    // double precision, and the query that walks this index must say the same (docs/postgres.md).
    index('session_totals_worst_hit_rate')
      .on(sql`(CAST(${t.cachedTokens} AS double precision) / ${t.promptTokens})`, t.promptTokens.desc().nullsFirst())
      .where(sql`${t.requests} >= 2 AND ${t.promptTokens} > 0`),
  ],
);
