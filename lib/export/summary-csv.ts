import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { SummaryReport } from '@/lib/analytics/reports-summary';
import { csvRecords, textCell } from './csv-cells';

export const SUMMARY_CSV_COLUMNS = [
  'day', 'serving_path', 'model', 'api_key', 'api_key_label', 'team', 'project', 'environment', 'requests', 'prompt_tokens', 'cached_tokens',
  'completion_tokens', 'spend_usd', 'cache_savings_usd', 'unpriced_requests', 'usage_unknown_requests',
] as const;

const TAG_COLUMNS = new Set(['team', 'project', 'environment']);

/**
 * The summary as CSV: header row, CRLF, RFC 4180 quoting, formulas neutralised, exact dollars (6
 * decimals, more when a sum has them). Without the tags (`detail=key`) their columns are left out.
 */
export function summaryCsv(report: SummaryReport): string {
  const columns = SUMMARY_CSV_COLUMNS.filter((c) => report.detail === 'tags' || !TAG_COLUMNS.has(c));
  const header = report.group === 'month' ? ['month', ...columns.slice(1)] : columns;
  const records = report.rows.map((r) => {
    const tags = report.detail === 'tags' ? [textCell(r.team), textCell(r.project), textCell(r.environment)] : [];
    return [
      r.day, textCell(r.servingPath), textCell(r.model), textCell(r.apiKey), textCell(r.apiKeyLabel), ...tags, r.requests,
      r.promptTokens, r.cachedTokens, r.completionTokens, r.spendUsd, r.cacheSavingsUsd, r.unpricedRequests, r.usageUnknownRequests,
    ];
  });
  return csvRecords([header, ...records]);
}

/** A bound in the report's zone: the date alone at local midnight, otherwise date and time. */
function localStamp(t: Date, tz: string): string {
  const local = new TZDate(t.getTime(), tz);
  const atMidnight = local.getHours() === 0 && local.getMinutes() === 0 && local.getSeconds() === 0 && local.getMilliseconds() === 0;
  return format(local, atMidnight ? 'yyyy-MM-dd' : "yyyy-MM-dd'T'HHmm");
}

/** Names the range and the time zone its days are counted in, e.g. `…_2026-11-01_2026-11-08_Europe-Berlin.csv`. */
export function summaryCsvFileName(from: Date, to: Date, tz: string): string {
  const zone = tz.replace(/[^A-Za-z0-9_+-]+/g, '-');
  return `fireworks-meter_summary_${localStamp(from, tz)}_${localStamp(to, tz)}_${zone}.csv`;
}
