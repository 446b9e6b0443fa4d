import { COST_STATE_SQL } from '@/lib/pricing/cost-state';
import { DISCOUNTED_PATHS } from '@/lib/pricing/serving-paths';
import { SQLITE_TEXT, type RollupText } from './text-dialect';

/**
 * How a raw request row counts in the usage rollups, written once in SQL and used both to maintain
 * them at ingest and to total the raw rows at a range's partial-hour edges, so the two can never
 * disagree. `bucketMs` lets the same expressions group raw rows by minute for short ranges.
 */
export const DIMENSIONS = ['model', 'serving_path', 'region', 'api_key', 'team', 'project', 'environment', 'has_affinity', 'endpoint'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * The daily rollup keeps every dimension but the endpoint: split by endpoint it held twice the rows
 * (most groups call two endpoints a day), and every tag breakdown over long ranges paid for it. A
 * range filtered or grouped by endpoint reads its whole days from the hourly rollup instead.
 */
export const DAILY_DIMENSIONS = DIMENSIONS.filter((d): d is Exclude<Dimension, 'endpoint'> => d !== 'endpoint');

/** The dimensions of the compact hourly rollup: enough for unfiltered views, model/path breakdowns and the endpoint. */
export const COMPACT_DIMENSIONS = ['model', 'serving_path', 'region', 'endpoint'] as const satisfies readonly Dimension[];

/** The compact ones the per-key daily and quarter-hour rollups also keep: what a range read with them can select. */
export const COMPACT_DAILY_DIMENSIONS = ['model', 'serving_path', 'region'] as const satisfies readonly Dimension[];

/** The dimensions of the per-key rollups: spend and cache by key, and finance's summary, without the tag combinations. */
export const BY_KEY_DIMENSIONS = ['model', 'serving_path', 'region', 'api_key'] as const satisfies readonly Dimension[];

const dimensionSql = (d: RollupText): Record<Dimension, string> => ({
  model: 'model',
  serving_path: 'serving_path',
  region: 'region',
  api_key: 'api_key',
  team: "coalesce(team, '') AS team",
  project: "coalesce(project, '') AS project",
  environment: "coalesce(environment, '') AS environment",
  has_affinity: d.flag('session_affinity IS NOT NULL', 'has_affinity'),
  // chat/completions | completions | embeddings | messages (lib/usage/endpoints.ts); '' in the
  // full rollups for calls totalled before 0016 whose raw rows were gone (ENDPOINT_NOT_RECORDED)
  endpoint: 'endpoint',
});

export interface UsageRollup {
  table: string;
  timeColumn: string;
  bucketMs: number;
  dimensions: readonly Dimension[];
}

/**
 * The money measures and the raw rows' exact pico-dollars each sums. A rollup keeps each in two
 * columns, `<name>_micros` (Σ whole micro-dollars per call) and `<name>_pico_remainder` (Σ the
 * pico-dollars below them), so sums stay exact in 64-bit integers far past $10 billion.
 */
const PREMIUM_COMPARED = `standard_cost_pico IS NOT NULL AND serving_path NOT IN (${DISCOUNTED_PATHS.map((p) => `'${p}'`).join(', ')})`;
const MONEY_MEASURES = {
  cost: 'cost_total_pico',
  savings: 'cache_savings_pico',
  // premium = premium_cost − standard_cost over Standard and premium calls (Standard adds the same to both)
  standard_cost: `CASE WHEN ${PREMIUM_COMPARED} THEN standard_cost_pico END`,
  premium_cost: `CASE WHEN ${PREMIUM_COMPARED} THEN cost_total_pico END`,
} as const;
export type MoneyMeasure = keyof typeof MONEY_MEASURES;

const moneyColumns = (Object.keys(MONEY_MEASURES) as MoneyMeasure[]).flatMap((m) => [`${m}_micros`, `${m}_pico_remainder`] as const);

export const MEASURES = [
  'requests', 'errors', 'rate_limited', 'overloaded', 'payment_required', 'unpriced', 'usage_unknown', 'prompt_tokens', 'cached_tokens', 'completion_tokens',
  ...moneyColumns, 'hit_rate_ppm_sum', 'requests_with_prompt', 'cached_mismatch',
] as const;

export type Measure = (typeof MEASURES)[number];

/**
 * A money measure summed over facts (raw or rollup rows), exact, as `<alias>WholeMicros` and
 * `<alias>RemainderPico` text columns (text: a JS number is exact only to about $9 billion in
 * micro-dollars). lib/analytics/engine/money-sums.ts reads them back.
 */
export function moneySumSql(measure: MoneyMeasure, alias: string, sign = ''): string {
  return `CAST(coalesce(sum(${sign}${measure}_micros), 0) AS TEXT) AS ${alias}WholeMicros, CAST(coalesce(sum(${sign}${measure}_pico_remainder), 0) AS TEXT) AS ${alias}RemainderPico`;
}

/** Raw rows' exact pico-dollars summed as the rollups keep money: whole micro-dollars, and the pico-dollars below them. */
export function picoSums(pico: string): { wholeMicros: string; remainderPico: string } {
  return { wholeMicros: `coalesce(sum((${pico}) / 1000000), 0)`, remainderPico: `coalesce(sum((${pico}) % 1000000), 0)` };
}

const rawMoneySelect = (Object.entries(MONEY_MEASURES) as [MoneyMeasure, string][])
  .map(([m, pico]) => `${picoSums(pico).wholeMicros} AS ${m}_micros, ${picoSums(pico).remainderPico} AS ${m}_pico_remainder`)
  .join(',\n    ');

/** A raw row's dimensions, as the rollups store them (nulls as ''). */
export function rawDimensionsSelect(dimensions: readonly Dimension[] = DIMENSIONS, d: RollupText = SQLITE_TEXT): string {
  const sqlOf = dimensionSql(d);
  return dimensions.map((dimension) => sqlOf[dimension]).join(', ');
}

/** Aggregates over raw rows giving every measure, named as in the rollups, for one engine (text-dialect.ts). */
export const rawMeasuresSelect = (d: RollupText): string => `
    count(*) AS requests,
    ${d.count('status >= 400')} AS errors,
    ${d.count('status = 429')} AS rate_limited,
    ${d.count('status = 503')} AS overloaded,
    ${d.count('status = 402')} AS payment_required,
    ${d.count(COST_STATE_SQL.unpriced)} AS unpriced,
    ${d.count(COST_STATE_SQL.usage_unknown)} AS usage_unknown,
    coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
    coalesce(sum(cached_prompt_tokens), 0) AS cached_tokens,
    coalesce(sum(completion_tokens), 0) AS completion_tokens,
    ${rawMoneySelect},
    coalesce(sum(CASE WHEN prompt_tokens > 0 THEN (coalesce(cached_prompt_tokens, 0) * 1000000) / prompt_tokens END), 0) AS hit_rate_ppm_sum,
    coalesce(${d.count('prompt_tokens > 0')}, 0) AS requests_with_prompt,
    coalesce(${d.count('cached_tokens_disagree = 1')}, 0) AS cached_mismatch`;

/** Aggregates over raw rows giving every measure, named as in the rollups (SQLite's text). */
export const RAW_MEASURES_SELECT = rawMeasuresSelect(SQLITE_TEXT);

export function rawFactsSelect(bucketMs: number, dimensions: readonly Dimension[] = DIMENSIONS, d: RollupText = SQLITE_TEXT): string {
  return `
    (started_at / ${bucketMs}) * ${bucketMs} AS bucket_start,
    ${rawDimensionsSelect(dimensions, d)},${rawMeasuresSelect(d)}`;
}

export function rawGroupBy(dimensions: readonly Dimension[] = DIMENSIONS): string {
  return `bucket_start, ${dimensions.join(', ')}`;
}

export const RAW_GROUP_BY = rawGroupBy();

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const QUARTER_HOUR_MS = 900_000;

export const USAGE_ROLLUPS = {
  hourly: { table: 'usage_hourly', timeColumn: 'hour_start', bucketMs: HOUR_MS, dimensions: DIMENSIONS },
  daily: { table: 'usage_daily', timeColumn: 'day_start', bucketMs: DAY_MS, dimensions: DAILY_DIMENSIONS },
  hourlyCompact: { table: 'usage_hourly_compact', timeColumn: 'hour_start', bucketMs: HOUR_MS, dimensions: COMPACT_DIMENSIONS },
  hourlyByKey: { table: 'usage_hourly_by_key', timeColumn: 'hour_start', bucketMs: HOUR_MS, dimensions: BY_KEY_DIMENSIONS },
  dailyByKey: { table: 'usage_daily_by_key', timeColumn: 'day_start', bucketMs: DAY_MS, dimensions: BY_KEY_DIMENSIONS },
  quarterHourlyByKey: { table: 'usage_quarter_hourly_by_key', timeColumn: 'quarter_start', bucketMs: QUARTER_HOUR_MS, dimensions: BY_KEY_DIMENSIONS },
} as const satisfies Record<string, UsageRollup>;

/** A usage rollup's primary key, in the schema's order (db/schema/rollups.ts, db/schema-pg/rollups.ts). */
export const usageRollupKey = (rollup: UsageRollup): string[] => [rollup.timeColumn, ...rollup.dimensions];

/**
 * Adds (or, with '-', takes out) the raw rows that match `where` (with `?` parameters on SQLite,
 * `$n` on PostgreSQL) to a usage rollup. PostgreSQL's text (`d` = PG_TEXT) names the conflict
 * target, qualifies the stored columns and upserts in key order.
 */
export function usageRollupUpsert(rollup: UsageRollup, where: string, sign: '+' | '-' = '+', d: RollupText = SQLITE_TEXT): string {
  return `
    INSERT INTO ${rollup.table} (${rollup.timeColumn}, ${rollup.dimensions.join(', ')}, ${MEASURES.join(', ')})
    SELECT ${rawFactsSelect(rollup.bucketMs, rollup.dimensions, d)} FROM requests WHERE ${where} GROUP BY ${d.groupBy(['bucket_start', ...rollup.dimensions])}${d.orderBy(usageRollupKey(rollup))}
    ${d.onConflict(usageRollupKey(rollup))} ${MEASURES.map((m) => `${m} = ${d.current(rollup.table, m)} ${sign} excluded.${m}`).join(', ')}`;
}
