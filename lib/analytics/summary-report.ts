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

const FIGURES = ['requests', 'promptTokens', 'cachedTokens', 'completionTokens', 'spendMicros', 'cacheSavingsMicros', 'unpricedRequests'] as const;

const zero = (): SummaryFigures => ({ requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, spendMicros: 0, cacheSavingsMicros: 0, unpricedRequests: 0 });

function totalOf(rows: readonly SummaryFigures[]): SummaryFigures {
  const totals = zero();
  for (const f of FIGURES) totals[f] = sumMicros(rows.map((r) => r[f]));
  return totals;
}

/**
 * Usage per local day × serving path × model × API key, for finance. Read from the daily and hourly
 * rollups (raw rows only for partial hours), so its totals equal the request-level CSV of the same
 * range to the micro-dollar.
 */
export function summaryReport(db: Db, filters: Filters & { limit?: number }): SummaryReport {
  const facts = localDayFacts(filters, ['serving_path', 'model', 'api_key']);
  const grouped = query<SummaryFigures & { dayIndex: number; servingPath: string; model: string; apiKey: string }>(
    db,
    `SELECT day_index AS dayIndex, serving_path AS servingPath, model, api_key AS apiKey,
       sum(sign * requests) AS requests, sum(sign * prompt_tokens) AS promptTokens, sum(sign * cached_tokens) AS cachedTokens,
       sum(sign * completion_tokens) AS completionTokens, sum(sign * cost_micros) AS spendMicros,
       sum(sign * savings_micros) AS cacheSavingsMicros, sum(sign * unpriced) AS unpricedRequests
     FROM (${facts.sql}) GROUP BY 1, 2, 3, 4 HAVING sum(sign * requests) <> 0`,
    facts.params,
  );
  const labels = new Map(query<{ apiKey: string; label: string }>(db, 'SELECT api_key AS apiKey, label FROM api_key_labels', []).map((l) => [l.apiKey, l.label]));
  const rows = grouped.map(({ dayIndex, ...r }): SummaryRow => ({ ...r, day: facts.days[dayIndex]!.day, apiKeyLabel: labels.get(r.apiKey) ?? null }));
  // Plain comparisons: localeCompare on thousands of rows cost more than the query.
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  rows.sort(
    (a, b) =>
      text(a.day, b.day) ||
      b.spendMicros - a.spendMicros ||
      b.requests - a.requests ||
      text(a.model, b.model) ||
      text(a.servingPath, b.servingPath) ||
      text(a.apiKey, b.apiKey),
  );
  return {
    range: { from: filters.from.toISOString(), to: filters.to.toISOString(), tz: filters.tz },
    rows: filters.limit === undefined ? rows : rows.slice(0, filters.limit),
    rowCount: rows.length,
    totals: totalOf(rows),
  };
}
