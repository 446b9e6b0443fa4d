import { sql } from 'drizzle-orm';
import { sqliteTable, integer, text, real, primaryKey, index } from 'drizzle-orm/sqlite-core';

/** The measures every usage rollup keeps (see lib/rollups/definition.ts for how a raw row counts). */
function usageMeasures() {
  return {
    requests: integer('requests').notNull(),
    errors: integer('errors').notNull(), // status >= 400 (499 included)
    rateLimited: integer('rate_limited').notNull(), // 429
    overloaded: integer('overloaded').notNull(), // 503
    paymentRequired: integer('payment_required').notNull().default(0), // 402: a per-user spending cap
    unpriced: integer('unpriced').notNull(), // usage known, no price row (lib/pricing/cost-state.ts)
    usageUnknown: integer('usage_unknown').notNull().default(0), // no usage: hang-ups, errors, cut streams
    promptTokens: integer('prompt_tokens').notNull(),
    cachedTokens: integer('cached_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    // Each money measure is exact in two columns: Σ whole micro-dollars of each call, and Σ the
    // pico-dollars below a micro-dollar (lib/money.ts), so no sum overflows below $9 trillion.
    costMicros: integer('cost_micros').notNull(),
    costPicoRemainder: integer('cost_pico_remainder').notNull().default(0),
    savingsMicros: integer('savings_micros').notNull(),
    savingsPicoRemainder: integer('savings_pico_remainder').notNull().default(0),
    // premium = premium_cost − standard_cost, over calls whose Standard price is known
    standardCostMicros: integer('standard_cost_micros').notNull(),
    standardCostPicoRemainder: integer('standard_cost_pico_remainder').notNull().default(0),
    premiumCostMicros: integer('premium_cost_micros').notNull(),
    premiumCostPicoRemainder: integer('premium_cost_pico_remainder').notNull().default(0),
    hitRatePpmSum: integer('hit_rate_ppm_sum').notNull(), // Σ per-request cached/prompt, in ppm
    requestsWithPrompt: integer('requests_with_prompt').notNull(),
    cachedMismatch: integer('cached_mismatch').notNull().default(0), // calls whose cached-token counts disagree
  };
}

/**
 * What Fireworks itself said about the account's meters: the lowest remaining / limit any call was
 * told (null when no call carried both headers), and how many calls it marked over the limit.
 * Fireworks meters the whole account, so this can be far tighter than Meter's own share of it.
 */
function reportedByFireworks() {
  return {
    reportedPromptFree: real('reported_prompt_free'),
    reportedUncachedFree: real('reported_uncached_free'),
    reportedGeneratedFree: real('reported_generated_free'),
    overLimit: integer('over_limit').notNull().default(0),
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
    hasAffinity: integer('has_affinity').notNull(), // 0 | 1
  };
}

/** Every dimension: the daily ones and the endpoint (lib/rollups/definition.ts says why days do without it). */
function allDimensions() {
  return {
    ...dailyDimensions(),
    // the raw rows' endpoint; '' for totals kept from before migration 0016 whose raw rows retention had dropped
    endpoint: text('endpoint').notNull(),
  };
}

/**
 * Usage totals per (model, serving path, region, key, tags, affinity, endpoint), maintained in the same
 * transaction as the raw rows so they always agree. Dashboard queries read the coarsest rollup
 * that answers (whole days, then whole hours) and raw rows only for partial hours at a range's
 * edges. Null dimensions are ''.
 */
export const usageHourly = sqliteTable(
  'usage_hourly',
  { hourStart: integer('hour_start').notNull(), ...allDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ columns: [t.hourStart, t.model, t.servingPath, t.region, t.apiKey, t.team, t.project, t.environment, t.hasAffinity, t.endpoint] })],
);

export const usageDaily = sqliteTable(
  'usage_daily',
  { dayStart: integer('day_start').notNull(), ...dailyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ columns: [t.dayStart, t.model, t.servingPath, t.region, t.apiKey, t.team, t.project, t.environment, t.hasAffinity] })],
);

/** Hourly totals by model, serving path, region and endpoint only: the unfiltered views' time series stay small. */
export const usageHourlyCompact = sqliteTable(
  'usage_hourly_compact',
  {
    hourStart: integer('hour_start').notNull(),
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    endpoint: text('endpoint').notNull(), // '' as in usage_hourly
    ...usageMeasures(),
  },
  (t) => [primaryKey({ columns: [t.hourStart, t.model, t.servingPath, t.region, t.endpoint] })],
);

function byKeyDimensions() {
  return {
    model: text('model').notNull(),
    servingPath: text('serving_path').notNull(),
    region: text('region').notNull(),
    apiKey: text('api_key').notNull(),
  };
}

/**
 * Hourly and daily totals by model, serving path, region and key, without the tag and affinity
 * combinations that make the full rollups several times larger: per-key views and the finance
 * summary read these. The migration makes both WITHOUT ROWID (drizzle cannot say so).
 */
export const usageHourlyByKey = sqliteTable(
  'usage_hourly_by_key',
  { hourStart: integer('hour_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ columns: [t.hourStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

export const usageDailyByKey = sqliteTable(
  'usage_daily_by_key',
  { dayStart: integer('day_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ columns: [t.dayStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

/**
 * Quarter-hour totals by key: a local midnight in a zone whose offset is not whole hours (India,
 * Nepal, Newfoundland, South Australia) falls inside a UTC hour, and the finance summary reads that
 * part-hour from here instead of from raw rows. WITHOUT ROWID in the migration, as above.
 */
export const usageQuarterHourlyByKey = sqliteTable(
  'usage_quarter_hourly_by_key',
  { quarterStart: integer('quarter_start').notNull(), ...byKeyDimensions(), ...usageMeasures() },
  (t) => [primaryKey({ columns: [t.quarterStart, t.model, t.servingPath, t.region, t.apiKey] })],
);

/** Tokens per minute per (model, key) on Fireworks' three meters, with the limits seen that minute. */
export const rateLimitMinutely = sqliteTable(
  'rate_limit_minutely',
  {
    minuteStart: integer('minute_start').notNull(),
    model: text('model').notNull(),
    apiKey: text('api_key').notNull(),
    requests: integer('requests').notNull(),
    rateLimited: integer('rate_limited').notNull(),
    overloaded: integer('overloaded').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    uncachedPromptTokens: integer('uncached_prompt_tokens').notNull(),
    generatedTokens: integer('generated_tokens').notNull(),
    limitPromptTpm: integer('limit_prompt_tpm'), // lowest seen in the minute (limits are adaptive)
    limitUncachedPromptTpm: integer('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: integer('limit_generated_tpm'),
    ...reportedByFireworks(),
  },
  (t) => [primaryKey({ columns: [t.minuteStart, t.model, t.apiKey] }), index('rate_limit_minutely_model').on(t.model, t.minuteStart)],
);

/** The api_key of the rows that sum a model's keys minute by minute (fingerprints are `hash…tail` or 'none'). */
export const ALL_KEYS = '*';

/**
 * Per hour and (model, key), what the Rate limits page needs from the hour's minutes, so long ranges
 * read one row per hour instead of sixty. Rows with api_key '*' hold the model's keys summed per
 * minute (the page's un-keyed view). Maintained at ingest from the current minute totals: a minute's
 * tokens only grow and its lowest limit only falls, so every peak here only rises and an upsert that
 * keeps the larger is exact (see lib/rollups/rate-limit-peaks.ts).
 */
export const rateLimitHourly = sqliteTable(
  'rate_limit_hourly',
  {
    apiKey: text('api_key').notNull(),
    hourStart: integer('hour_start').notNull(),
    model: text('model').notNull(),
    requests: integer('requests').notNull(),
    rateLimited: integer('rate_limited').notNull(),
    overloaded: integer('overloaded').notNull(),
    // each meter's own busiest minute (usage over time)
    busiestPromptTokens: integer('busiest_prompt_tokens').notNull(),
    busiestUncachedPromptTokens: integer('busiest_uncached_prompt_tokens').notNull(),
    busiestGeneratedTokens: integer('busiest_generated_tokens').notNull(),
    limitPromptTpm: integer('limit_prompt_tpm'), // lowest seen in the hour
    limitUncachedPromptTpm: integer('limit_uncached_prompt_tpm'),
    limitGeneratedTpm: integer('limit_generated_tpm'),
    // the minute closest to a limit on any meter (headroom): ties → more prompt tokens, then earliest
    peakMinuteStart: integer('peak_minute_start').notNull(),
    peakPromptTokens: integer('peak_prompt_tokens').notNull(),
    peakUncachedPromptTokens: integer('peak_uncached_prompt_tokens').notNull(),
    peakGeneratedTokens: integer('peak_generated_tokens').notNull(),
    peakLimitPromptTpm: integer('peak_limit_prompt_tpm'),
    peakLimitUncachedPromptTpm: integer('peak_limit_uncached_prompt_tpm'),
    peakLimitGeneratedTpm: integer('peak_limit_generated_tpm'),
    peakShare: real('peak_share').notNull(), // highest used / limit of the three at that minute
    ...reportedByFireworks(),
  },
  // Key first: the page reads either the '*' rows or a few keys over a run of hours. The migration
  // makes the table WITHOUT ROWID (drizzle cannot say so), so those rows are stored side by side
  // in key order: reading 90 days is one contiguous range, not 20k scattered row lookups.
  (t) => [primaryKey({ columns: [t.apiKey, t.hourStart, t.model] })],
);

/**
 * Prompt-cache totals over each session's whole recorded life, per (session-affinity key, API key,
 * model), for "sessions that miss the cache". Totalling per-day rows for every session over a
 * quarter took seconds at millions of calls; this table has one row per session, and its partial
 * index on the hit rate lets the page walk the worst sessions first and stop at the 20th that was
 * active in the range. The migration makes it WITHOUT ROWID (drizzle cannot say so).
 */
export const sessionTotals = sqliteTable(
  'session_totals',
  {
    sessionAffinity: text('session_affinity').notNull(),
    apiKey: text('api_key').notNull(),
    model: text('model').notNull(),
    requests: integer('requests').notNull(),
    promptTokens: integer('prompt_tokens').notNull(),
    cachedTokens: integer('cached_tokens').notNull(),
    firstSeen: integer('first_seen').notNull(),
    lastSeen: integer('last_seen').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionAffinity, t.apiKey, t.model] }),
    index('session_totals_worst_hit_rate')
      .on(sql`CAST(${t.cachedTokens} AS REAL) / ${t.promptTokens}`, sql`${t.promptTokens} DESC`)
      .where(sql`${t.requests} >= 2 AND ${t.promptTokens} > 0`),
  ],
);
