import { picoFromParts, picoToUsdString } from '@/lib/money';
import { z } from 'zod';
import { filtersSchema, type Filters } from './engine/filters';
import { localDayFacts } from './engine/local-day-facts';
import { query, type AnalyticsDb } from './engine/run';
import { limitValue, subquery } from './engine/dialect';
import { raw, sql } from './engine/sql';

/** What finance sums: counts, tokens and money (exact decimal dollars). */
export interface SummaryFigures {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  spendUsd: string;
  cacheSavingsUsd: string;
  unpricedRequests: number;
  usageUnknownRequests: number;
}

export interface SummaryRow extends SummaryFigures {
  /** Calendar day (YYYY-MM-DD) or month (YYYY-MM, with `group=month`) in the report's time zone. */
  day: string;
  servingPath: string;
  model: string;
  apiKey: string;
  apiKeyLabel: string | null;
  /** The call's team (its Fireworks-Annotations team, else its key's team from Settings), project and environment; null when none. */
  team: string | null;
  project: string | null;
  environment: string | null;
}

export interface SummaryReport {
  range: { from: string; to: string; tz: string };
  group: SummaryGroup;
  /** Whether rows are split by team, project and environment. */
  detail: SummaryDetail;
  /** Every row, or the first `limit` when the query asked for a preview. */
  rows: SummaryRow[];
  /** How many rows the whole summary has. */
  rowCount: number;
  /** Over every row, preview or not. */
  totals: SummaryFigures;
}

/** The page filters plus an optional preview size: the Reports page shows 20 rows, not thousands. */
export const SUMMARY_GROUPS = ['day', 'month'] as const;
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

/**
 * `tags` (the default) splits each key's rows by team, project and environment; `key` does not,
 * and reads the smaller per-key rollups: about 3x faster over long ranges (and in zones whose
 * midnight falls inside an hour, where the tags are read from raw rows for the part-hours).
 */
export const SUMMARY_DETAILS = ['tags', 'key'] as const;
export type SummaryDetail = (typeof SUMMARY_DETAILS)[number];
const TAG_COLUMNS = ['team', 'project', 'environment'] as const;

export const summaryQuerySchema = filtersSchema.and(
  z.object({
    limit: z.coerce.number().int().min(1).max(1000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
    group: z.enum(SUMMARY_GROUPS, 'group must be day or month').default('day'),
    detail: z.enum(SUMMARY_DETAILS, 'detail must be tags or key').default('tags'),
  }),
);
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;

const COUNTS = ['requests', 'promptTokens', 'cachedTokens', 'completionTokens', 'unpricedRequests', 'usageUnknownRequests'] as const;
/** Each money figure as its two exact parts (see lib/rollups/definition.ts), summed apart. */
const MONEY = { spendUsd: 'cost', cacheSavingsUsd: 'savings' } as const;
const PARTS = Object.values(MONEY).flatMap((m) => [`${m}_micros`, `${m}_pico_remainder`]);
type Count = (typeof COUNTS)[number];
type Part = `${(typeof MONEY)[keyof typeof MONEY]}_${'micros' | 'pico_remainder'}`;

// Every sum comes back as text: SQLite adds in 64-bit integers, a JS number is exact only to 2^53.
type Sums = Record<Count | Part, string>;
type Counted = Sums & { dayIndex: number; servingPath: string; model: string; apiKey: string; team: string; project: string; environment: string; rowCount: number } & {
  [F in Count | Part as `total_${F}`]: string;
};

function figures(sums: Record<Count | Part, string>): SummaryFigures {
  const counts = Object.fromEntries(COUNTS.map((c) => [c, Number(sums[c])])) as Record<Count, number>;
  const money = (m: (typeof MONEY)[keyof typeof MONEY]) => picoToUsdString(picoFromParts(sums[`${m}_micros`], sums[`${m}_pico_remainder`]));
  return { ...counts, spendUsd: money(MONEY.spendUsd), cacheSavingsUsd: money(MONEY.cacheSavingsUsd) };
}

const SUMMED: Record<Count, string> = {
  requests: 'requests', promptTokens: 'prompt_tokens', cachedTokens: 'cached_tokens', completionTokens: 'completion_tokens',
  unpricedRequests: 'unpriced', usageUnknownRequests: 'usage_unknown',
};

/**
 * Usage per local day × serving path × model × API key × team × project × environment, for finance. Read from the daily and hourly
 * rollups (raw rows only for partial hours), so its totals equal the request-level CSV of the same
 * range to the pico-dollar. SQLite sorts, counts and totals the rows, so a preview carries only
 * its first rows across to JavaScript.
 */
export async function summaryReport(db: AnalyticsDb, filters: Filters & { limit?: number; offset?: number; group?: SummaryGroup; detail?: SummaryDetail }): Promise<SummaryReport> {
  const tags = (filters.detail ?? 'tags') === 'tags';
  const facts = localDayFacts(filters, ['serving_path', 'model', 'api_key', ...(tags ? TAG_COLUMNS : [])]);
  // without the tags, each is '' for every row: the same SQL, one group per key
  const tagColumns = raw(TAG_COLUMNS.map((c) => (tags ? c : `'' AS ${c}`)).join(', '));
  const group = filters.group ?? 'day';
  // by month: each day counts under the first day of its month in the range
  const firstOfMonth = facts.days.map((d) => facts.days.findIndex((e) => e.day.slice(0, 7) === d.day.slice(0, 7)));
  const period = group === 'month' ? `CASE day_index ${firstOfMonth.map((m, i) => `WHEN ${i} THEN ${m}`).join(' ')} END` : 'day_index';
  const sums = [...Object.entries(SUMMED).map(([alias, col]) => `sum(sign * ${col}) AS ${alias}`), ...PARTS.map((p) => `sum(sign * ${p}) AS ${p}`)].join(', ');
  // sums are selected as text under their own names: ORDER BY names them by table (summary.…) to sort the numbers
  const texts = [...COUNTS, ...PARTS].map((f) => `CAST(${f} AS TEXT) AS ${f}, CAST(sum(${f}) OVER () AS TEXT) AS total_${f}`).join(', ');
  const rows = await query<Counted>(
    db,
    sql`WITH summary AS (
       SELECT ${raw(period)} AS dayIndex, serving_path AS servingPath, model, api_key AS apiKey, ${tagColumns},
         ${raw(sums)}
       FROM ${subquery(facts.sql)} GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(sign * requests) <> 0
     )
     SELECT dayIndex, servingPath, model, apiKey, team, project, environment, count(*) OVER () AS rowCount,
       ${raw(texts)}
     FROM summary ORDER BY dayIndex, summary.cost_micros DESC, summary.cost_pico_remainder DESC, summary.requests DESC, model, servingPath, apiKey, team, project, environment LIMIT ${limitValue(filters.limit)} OFFSET ${filters.offset ?? 0}`,
  );
  const labels = new Map((await query<{ apiKey: string; label: string }>(db, sql`SELECT api_key AS apiKey, label FROM api_key_labels`)).map((l) => [l.apiKey, l.label]));
  const first = rows[0];
  const totals = figures(Object.fromEntries([...COUNTS, ...PARTS].map((f) => [f, first?.[`total_${f}` as keyof Counted] ?? '0'])) as Sums);
  return {
    range: { from: filters.from.toISOString(), to: filters.to.toISOString(), tz: filters.tz },
    group,
    detail: tags ? 'tags' : 'key',
    rows: rows.map((r): SummaryRow => ({
      day: group === 'month' ? facts.days[r.dayIndex]!.day.slice(0, 7) : facts.days[r.dayIndex]!.day, servingPath: r.servingPath, model: r.model, apiKey: r.apiKey, apiKeyLabel: labels.get(r.apiKey) ?? null,
      team: r.team || null, project: r.project || null, environment: r.environment || null,
      ...figures(r),
    })),
    rowCount: first?.rowCount ?? 0,
    totals,
  };
}
