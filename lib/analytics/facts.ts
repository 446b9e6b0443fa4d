import { DIMENSIONS, HOUR_MS, MEASURES, MINUTE_MS, RAW_GROUP_BY, rawFactsSelect } from '@/lib/rollups/definition';
import { bucketFor, FILTER_COLUMNS, type Filters } from './filters';

export interface Facts {
  /** A subquery of rows (bucket_start, dimensions…, measures…) covering exactly [from, to). */
  sql: string;
  params: (string | number)[];
  /** The granularity of bucket_start in those rows (day buckets are folded from hours). */
  rowBucketMs: number;
}

export function filterClause(filters: Filters, params: (string | number)[]): string {
  const parts: string[] = [];
  for (const [key, column] of Object.entries(FILTER_COLUMNS) as [keyof typeof FILTER_COLUMNS, string][]) {
    const values = filters[key] as readonly string[];
    if (!values.length) continue;
    parts.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  return parts.length ? ` AND ${parts.join(' AND ')}` : '';
}

function rawPart(filters: Filters, from: number, to: number, bucketMs: number, params: (string | number)[]): string {
  params.push(from, to);
  const where = filterClause(filters, params);
  return `SELECT ${rawFactsSelect(bucketMs)} FROM requests WHERE started_at >= ? AND started_at < ?${where} GROUP BY ${RAW_GROUP_BY}`;
}

/**
 * The facts for a range: whole hours from the hourly rollup, the partial hours at either edge
 * from raw rows with the same expressions, so totals are exact whatever the range. Short ranges
 * (minute buckets) read raw rows only.
 */
export function factsFor(filters: Filters): Facts {
  const from = filters.from.getTime();
  const to = filters.to.getTime();
  const params: (string | number)[] = [];
  if (bucketFor(filters) === 'minute') {
    return { sql: rawPart(filters, from, to, MINUTE_MS, params), params, rowBucketMs: MINUTE_MS };
  }
  const wholeFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
  const wholeTo = Math.floor(to / HOUR_MS) * HOUR_MS;
  if (wholeFrom >= wholeTo) {
    return { sql: rawPart(filters, from, to, HOUR_MS, params), params, rowBucketMs: HOUR_MS };
  }
  const parts: string[] = [];
  if (from < wholeFrom) parts.push(rawPart(filters, from, wholeFrom, HOUR_MS, params));
  params.push(wholeFrom, wholeTo);
  const where = filterClause(filters, params);
  parts.push(`SELECT hour_start AS bucket_start, ${DIMENSIONS.join(', ')}, ${MEASURES.join(', ')} FROM usage_hourly WHERE hour_start >= ? AND hour_start < ?${where}`);
  if (wholeTo < to) parts.push(rawPart(filters, wholeTo, to, HOUR_MS, params));
  return { sql: parts.join(' UNION ALL '), params, rowBucketMs: HOUR_MS };
}
