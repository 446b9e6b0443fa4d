import type { Db } from '@/db/client';
import { sumMicros } from '@/lib/money';
import { z } from 'zod';
import { filtersSchema, type Filters } from './filters';
import { localDayFacts } from './local-day-facts';
import { query } from './run';

/** What finance sums: counts, tokens and money (integer micro-dollars). */
export interface SummaryFigures {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  spendMicros: number;
  cacheSavingsMicros: number;
  unpricedRequests: number;
  usageUnknownRequests: number;
}

export interface SummaryRow extends SummaryFigures {
  /** Calendar day in the report's time zone, YYYY-MM-DD. */
  day: string;
  servingPath: string;
  model: string;
  apiKey: string;
  apiKeyLabel: string | null;
}

export interface SummaryReport {
  range: { from: string; to: string; tz: string };
  /** Every row, or the first `limit` when the query asked for a preview. */
  rows: SummaryRow[];
  /** How many rows the whole summary has. */
  rowCount: number;
  /** Over every row, preview or not. */
  totals: SummaryFigures;
}

/** The page filters plus an optional preview size: the Reports page shows 20 rows, not thousands. */
export const summaryQuerySchema = filtersSchema.and(z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() }));
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;

const FIGURES = ['requests', 'promptTokens', 'cachedTokens', 'completionTokens', 'spendMicros', 'cacheSavingsMicros', 'unpricedRequests', 'usageUnknownRequests'] as const;

const zero = (): SummaryFigures => ({ requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, spendMicros: 0, cacheSavingsMicros: 0, unpricedRequests: 0, usageUnknownRequests: 0 });

type Counted = SummaryFigures & { dayIndex: number; servingPath: string; model: string; apiKey: string; rowCount: number } & {
  [F in (typeof FIGURES)[number] as `total_${F}`]: number;
};

/**
 * Usage per local day × serving path × model × API key, for finance. Read from the daily and hourly
 * rollups (raw rows only for partial hours), so its totals equal the request-level CSV of the same
 * range to the micro-dollar. SQLite sorts, counts and totals the rows, so a preview carries only
 * its first rows across to JavaScript.
 */
export function summaryReport(db: Db, filters: Filters & { limit?: number }): SummaryReport {
  const facts = localDayFacts(filters, ['serving_path', 'model', 'api_key']);
  const rows = query<Counted>(
    db,
    `WITH summary AS (
       SELECT day_index AS dayIndex, serving_path AS servingPath, model, api_key AS apiKey,
         sum(sign * requests) AS requests, sum(sign * prompt_tokens) AS promptTokens, sum(sign * cached_tokens) AS cachedTokens,
         sum(sign * completion_tokens) AS completionTokens, sum(sign * cost_micros) AS spendMicros,
         sum(sign * savings_micros) AS cacheSavingsMicros, sum(sign * unpriced) AS unpricedRequests,
         sum(sign * usage_unknown) AS usageUnknownRequests
       FROM (${facts.sql}) GROUP BY 1, 2, 3, 4 HAVING sum(sign * requests) <> 0
     )
     SELECT *, count(*) OVER () AS rowCount, ${FIGURES.map((f) => `sum(${f}) OVER () AS total_${f}`).join(', ')}
     FROM summary ORDER BY dayIndex, spendMicros DESC, requests DESC, model, servingPath, apiKey LIMIT ?`,
    [...facts.params, filters.limit ?? -1],
  );
  const labels = new Map(query<{ apiKey: string; label: string }>(db, 'SELECT api_key AS apiKey, label FROM api_key_labels', []).map((l) => [l.apiKey, l.label]));
  const first = rows[0];
  const totals = zero();
  // SQLite sums in 64-bit integers; refuse rather than round if a total leaves JavaScript's exact range.
  if (first) for (const f of FIGURES) totals[f] = sumMicros([first[`total_${f}`]]);
  return {
    range: { from: filters.from.toISOString(), to: filters.to.toISOString(), tz: filters.tz },
    rows: rows.map((r): SummaryRow => ({
      day: facts.days[r.dayIndex]!.day, servingPath: r.servingPath, model: r.model, apiKey: r.apiKey, apiKeyLabel: labels.get(r.apiKey) ?? null,
      requests: r.requests, promptTokens: r.promptTokens, cachedTokens: r.cachedTokens, completionTokens: r.completionTokens,
      spendMicros: r.spendMicros, cacheSavingsMicros: r.cacheSavingsMicros, unpricedRequests: r.unpricedRequests,
      usageUnknownRequests: r.usageUnknownRequests,
    })),
    rowCount: first?.rowCount ?? 0,
    totals,
  };
}
