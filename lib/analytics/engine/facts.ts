import {
  BY_KEY_DIMENSIONS, COMPACT_DAILY_DIMENSIONS, COMPACT_DIMENSIONS, DAILY_DIMENSIONS, DAY_MS, DIMENSIONS, HOUR_MS, MEASURES, MINUTE_MS, USAGE_ROLLUPS,
  rawGroupBy, type Dimension, type UsageRollup,
} from '@/lib/rollups/definition';
import { rawFacts } from './dialect';
import { bucketFor, FILTER_COLUMNS, type Filters } from './filters';
import { empty, join, list, raw, sql, type Sql } from './sql';

/** A subquery of rows (bucket_start, dimensions…, measures…) covering exactly [from, to). */
export type Facts = Sql;

export interface FactsNeeds {
  /** Whether the caller groups by bucket_start (then rows must be at most an hour wide). */
  series: boolean;
  /** Dimensions the caller groups by or reads. */
  dimensions: readonly Dimension[];
}

/** ` AND column IN (…)` for every page filter set; nothing when none is. */
export function filterClause(filters: Filters): Sql {
  const parts: Sql[] = [];
  for (const [key, column] of Object.entries(FILTER_COLUMNS) as [keyof typeof FILTER_COLUMNS, string][]) {
    const values = filters[key] as readonly string[];
    if (!values.length) continue;
    parts.push(sql`${raw(column)} IN (${list(values)})`);
  }
  return parts.length ? sql` AND ${join(parts, ' AND ')}` : empty;
}

function filteredDimensions(filters: Filters): Dimension[] {
  return (Object.entries(FILTER_COLUMNS) as [keyof typeof FILTER_COLUMNS, Dimension][])
    .filter(([key]) => (filters[key] as readonly string[]).length > 0)
    .map(([, column]) => column);
}

export interface RollupChoice {
  /** The dimensions every part selects: those of the hourly rollup chosen. */
  dimensions: readonly Dimension[];
  hourly: UsageRollup;
  daily: UsageRollup;
  /** Quarter hours by key, when the dimensions fit it (the tags, affinity and endpoint are not kept per quarter hour). */
  quarterHourly: UsageRollup | undefined;
}

const within = (used: readonly Dimension[], dims: readonly Dimension[]) => used.every((d) => dims.includes(d));

/** The smallest hourly and daily rollups holding every dimension the caller groups or filters by. */
export function rollupsFor(filters: Filters, needed: readonly Dimension[]): RollupChoice {
  const used = [...needed, ...filteredDimensions(filters)];
  if (within(used, COMPACT_DAILY_DIMENSIONS)) return { dimensions: COMPACT_DAILY_DIMENSIONS, hourly: USAGE_ROLLUPS.hourlyCompact, daily: USAGE_ROLLUPS.dailyByKey, quarterHourly: USAGE_ROLLUPS.quarterHourlyByKey };
  // by endpoint (and model, path, region): whole days from the compact hourly rollup, the smallest that keeps it
  if (within(used, COMPACT_DIMENSIONS)) return { dimensions: COMPACT_DIMENSIONS, hourly: USAGE_ROLLUPS.hourlyCompact, daily: USAGE_ROLLUPS.hourlyCompact, quarterHourly: undefined };
  if (within(used, BY_KEY_DIMENSIONS)) return { dimensions: BY_KEY_DIMENSIONS, hourly: USAGE_ROLLUPS.hourlyByKey, daily: USAGE_ROLLUPS.dailyByKey, quarterHourly: USAGE_ROLLUPS.quarterHourlyByKey };
  if (within(used, DAILY_DIMENSIONS)) return { dimensions: DAILY_DIMENSIONS, hourly: USAGE_ROLLUPS.hourly, daily: USAGE_ROLLUPS.daily, quarterHourly: undefined };
  // by endpoint: whole days come from the hourly rollup too (the daily one does not keep the endpoint)
  return { dimensions: DIMENSIONS, hourly: USAGE_ROLLUPS.hourly, daily: USAGE_ROLLUPS.hourly, quarterHourly: undefined };
}

type Part = { source: 'raw'; bucketMs: number } | { source: 'rollup'; rollup: UsageRollup };

/**
 * The facts for a range, exact whatever its edges: whole UTC days from the daily rollup (when the
 * caller needs no time series), whole hours from an hourly rollup (the smallest that holds the
 * dimensions filtered and grouped by), and raw rows for the partial hours at either end. Ranges of 6 h or less read
 * raw rows by minute.
 */
export function factsFor(filters: Filters, needs: FactsNeeds = { series: true, dimensions: DIMENSIONS }): Facts {
  const from = filters.from.getTime();
  const to = filters.to.getTime();
  const { dimensions, hourly, daily } = rollupsFor(filters, needs.dimensions);

  const pieces: [number, number, Part][] = [];
  if (bucketFor(filters) === 'minute') {
    pieces.push([from, to, { source: 'raw', bucketMs: MINUTE_MS }]);
  } else {
    const hourFrom = Math.ceil(from / HOUR_MS) * HOUR_MS;
    const hourTo = Math.floor(to / HOUR_MS) * HOUR_MS;
    if (hourFrom >= hourTo) {
      pieces.push([from, to, { source: 'raw', bucketMs: HOUR_MS }]);
    } else {
      const dayFrom = Math.ceil(hourFrom / DAY_MS) * DAY_MS;
      const dayTo = Math.floor(hourTo / DAY_MS) * DAY_MS;
      const useDays = !needs.series && dayFrom < dayTo;
      pieces.push([from, hourFrom, { source: 'raw', bucketMs: HOUR_MS }]);
      if (useDays) {
        pieces.push([hourFrom, dayFrom, { source: 'rollup', rollup: hourly }]);
        pieces.push([dayFrom, dayTo, { source: 'rollup', rollup: daily }]);
        pieces.push([dayTo, hourTo, { source: 'rollup', rollup: hourly }]);
      } else {
        pieces.push([hourFrom, hourTo, { source: 'rollup', rollup: hourly }]);
      }
      pieces.push([hourTo, to, { source: 'raw', bucketMs: HOUR_MS }]);
    }
  }

  const parts = pieces
    .filter(([a, b]) => a < b)
    .map(([a, b, part]) => {
      const where = filterClause(filters);
      if (part.source === 'raw') {
        return sql`SELECT ${rawFacts(part.bucketMs, dimensions)} FROM requests WHERE started_at >= ${a} AND started_at < ${b}${where} GROUP BY ${raw(rawGroupBy(dimensions))}`;
      }
      const { table, timeColumn } = part.rollup;
      const t = raw(timeColumn);
      return sql`SELECT ${t} AS bucket_start, ${raw(dimensions.join(', '))}, ${raw(MEASURES.join(', '))} FROM ${raw(table)} WHERE ${t} >= ${a} AND ${t} < ${b}${where}`;
    });
  return join(parts, ' UNION ALL ');
}
