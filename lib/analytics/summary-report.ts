import type { Db } from '@/db/client';
import { sumMicros } from '@/lib/money';
import type { Filters } from './filters';
import { dayIndexOf, localDayFacts, localDays } from './local-day-facts';
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
  rows: SummaryRow[];
  totals: SummaryFigures;
}

const FIGURES = ['requests', 'promptTokens', 'cachedTokens', 'completionTokens', 'spendMicros', 'cacheSavingsMicros', 'unpricedRequests'] as const;

const zero = (): SummaryFigures => ({ requests: 0, promptTokens: 0, cachedTokens: 0, completionTokens: 0, spendMicros: 0, cacheSavingsMicros: 0, unpricedRequests: 0 });

function add(into: SummaryFigures, from: SummaryFigures): void {
  for (const f of FIGURES) into[f] = sumMicros([into[f], from[f]]);
}

/**
 * Usage per local day × serving path × model × API key, for finance. Read from the hourly rollup
 * (raw rows only at the range's edges), so its totals equal the request-level CSV of the same
 * range to the micro-dollar.
 */
export function summaryReport(db: Db, filters: Filters): SummaryReport {
  const facts = localDayFacts(filters);
  const fine = query<SummaryFigures & { t: number; servingPath: string; model: string; apiKey: string }>(
    db,
    `SELECT bucket_start AS t, serving_path AS servingPath, model, api_key AS apiKey,
       sum(requests) AS requests, sum(prompt_tokens) AS promptTokens, sum(cached_tokens) AS cachedTokens,
       sum(completion_tokens) AS completionTokens, sum(cost_micros) AS spendMicros,
       sum(savings_micros) AS cacheSavingsMicros, sum(unpriced) AS unpricedRequests
     FROM (${facts.sql}) GROUP BY 1, 2, 3, 4`,
    facts.params,
  );
  const labels = new Map(query<{ apiKey: string; label: string }>(db, 'SELECT api_key AS apiKey, label FROM api_key_labels', []).map((l) => [l.apiKey, l.label]));
  const days = localDays(filters.from.getTime(), filters.to.getTime(), filters.tz);

  const grouped = new Map<string, SummaryRow>();
  const totals = zero();
  for (const r of fine) {
    const day = days[dayIndexOf(days, r.t)]!.day;
    const key = JSON.stringify([day, r.servingPath, r.model, r.apiKey]);
    let row = grouped.get(key);
    if (!row) {
      row = { day, servingPath: r.servingPath, model: r.model, apiKey: r.apiKey, apiKeyLabel: labels.get(r.apiKey) ?? null, ...zero() };
      grouped.set(key, row);
    }
    add(row, r);
    add(totals, r);
  }
  const rows = [...grouped.values()].sort(
    (a, b) =>
      a.day.localeCompare(b.day) ||
      b.spendMicros - a.spendMicros ||
      b.requests - a.requests ||
      a.model.localeCompare(b.model) ||
      a.servingPath.localeCompare(b.servingPath) ||
      a.apiKey.localeCompare(b.apiKey),
  );
  return { range: { from: filters.from.toISOString(), to: filters.to.toISOString(), tz: filters.tz }, rows, totals };
}
