import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';
import {
  DAY_MS, DIMENSIONS, HOUR_MS, MEASURES, QUARTER_HOUR_MS, type Dimension,
} from '@/lib/rollups/definition';
import { emptyFacts, jsonIntervalTotals, jsonPieces } from './dialect';
import { filterClause, rollupsFor } from './facts';
import type { Filters } from './filters';
import { join, raw, sql, type Sql } from './sql';

export interface LocalDay {
  /** YYYY-MM-DD in the zone. */
  day: string;
  /** The day's first instant, epoch ms. */
  start: number;
}

/** The local calendar days that [from, to) touches, in order (DST days are 23 or 25 hours long). */
export function localDays(from: number, to: number, tz: string): LocalDay[] {
  const days: LocalDay[] = [];
  for (let d = startOfDay(new TZDate(from, tz)); d.getTime() < to; d = addDays(d, 1)) {
    days.push({ day: format(d, 'yyyy-MM-dd'), start: d.getTime() });
  }
  return days;
}

/** The sources a local day is planned from; whole quarter hours are split out of raw pieces afterwards. */
type PlannedSource = 'daily' | 'hourly' | 'raw';
type Source = PlannedSource | 'quarterHourly';

/** [from, to) read from one source and counted, with `sign`, into local day number `day`. */
interface Piece<S extends Source = PlannedSource> {
  source: S;
  from: number;
  to: number;
  day: number;
  sign: 1 | -1;
}

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** [a, b) as whole hours from the hourly rollup and raw rows for the partial hours at either end. */
function byHours(a: number, b: number, day: number, sign: 1 | -1): Piece[] {
  if (a >= b) return [];
  const h0 = ceilTo(a, HOUR_MS);
  const h1 = floorTo(b, HOUR_MS);
  if (h0 >= h1) return [{ source: 'raw', from: a, to: b, day, sign }];
  const pieces: Piece[] = [
    { source: 'raw', from: a, to: h0, day, sign },
    { source: 'hourly', from: h0, to: h1, day, sign },
    { source: 'raw', from: h1, to: b, day, sign },
  ];
  return pieces.filter((p) => p.from < p.to);
}

/** [a, b) as whole UTC days from the daily rollup, the rest by hours. */
function byDays(a: number, b: number, day: number): Piece[] {
  const d0 = ceilTo(a, DAY_MS);
  const d1 = floorTo(b, DAY_MS);
  if (d0 >= d1) return byHours(a, b, day, 1);
  return [...byHours(a, d0, day, 1), { source: 'daily', from: d0, to: d1, day, sign: 1 }, ...byHours(d1, b, day, 1)];
}

/**
 * [a, b) as the whole UTC day starting at `d`, minus the part of that day outside [a, b), plus the
 * part of [a, b) outside it. A Berlin day is one UTC day less one hour plus another: two hourly
 * rows per key instead of twenty-four.
 */
function aroundUtcDay(a: number, b: number, d: number, day: number): Piece[] {
  const e = d + DAY_MS;
  return [
    { source: 'daily', from: d, to: e, day, sign: 1 },
    ...byHours(d, Math.min(a, e), day, -1),
    ...byHours(Math.max(b, d), e, day, -1),
    ...byHours(a, Math.min(d, b), day, 1),
    ...byHours(Math.max(e, a), b, day, 1),
  ];
}

// Rough relative costs of reading an hour of each source (rollup rows vs raw calls) and a UTC day.
const COST_PER_HOUR: Record<PlannedSource, number> = { raw: 10, hourly: 1, daily: 6 / 24 };
const cost = (pieces: Piece[]) => pieces.reduce((sum, p) => sum + ((p.to - p.from) / HOUR_MS) * COST_PER_HOUR[p.source], 0);

/** The cheapest exact way to read one local day: plainly, or around either UTC day it overlaps. */
function piecesForDay(a: number, b: number, day: number): Piece[] {
  const options = [byDays(a, b, day)];
  for (const d of [floorTo(a, DAY_MS), floorTo(a, DAY_MS) + DAY_MS]) {
    if (d < b && d + DAY_MS > a) options.push(aroundUtcDay(a, b, d, day));
  }
  return options.reduce((best, o) => (cost(o) < cost(best) ? o : best));
}

/** A raw piece's whole quarter hours, read from the quarter-hour rollup instead (a half-hour zone's midnight). */
function withQuarterHours(p: Piece): Piece<Source>[] {
  const q0 = ceilTo(p.from, QUARTER_HOUR_MS);
  const q1 = floorTo(p.to, QUARTER_HOUR_MS);
  if (p.source !== 'raw' || q0 >= q1) return [p];
  const pieces: Piece<Source>[] = [{ ...p, to: q0 }, { ...p, source: 'quarterHourly', from: q0, to: q1 }, { ...p, from: q1 }];
  return pieces.filter((x) => x.from < x.to);
}

export interface LocalDayFacts {
  /** Rows (day_index, sign, dimensions…, measures…): sum `sign * measure` per day_index for exact totals. */
  sql: Sql;
  days: LocalDay[];
}

/**
 * Facts for [from, to) labelled with the viewer's calendar day, exact in any zone (DST days and
 * half-hour offsets included). Each local day is read from whichever costs least: whole UTC days
 * of a daily rollup, whole hours of an hourly one, whole quarter hours of the quarter-hour one and
 * raw rows for what is left, with parts of a UTC day outside the local day subtracted. Zero-sum
 * groups can appear; callers drop them.
 */
export function localDayFacts(filters: Filters, needed: readonly Dimension[] = DIMENSIONS): LocalDayFacts {
  const from = filters.from.getTime();
  const to = filters.to.getTime();
  const days = localDays(from, to, filters.tz);
  const { dimensions, ...rollups } = rollupsFor(filters, needed);
  const pieces = days
    .flatMap((d, i) => piecesForDay(Math.max(d.start, from), Math.min(days[i + 1]?.start ?? to, to), i))
    .flatMap((p): Piece<Source>[] => (rollups.quarterHourly ? withQuarterHours(p) : [p]));

  const parts: Sql[] = [];
  for (const source of ['daily', 'hourly', 'quarterHourly'] as const) {
    const mine = pieces.filter((p) => p.source === source);
    const rollup = rollups[source];
    if (!mine.length || !rollup) continue;
    const { table, timeColumn } = rollup;
    const json = JSON.stringify(mine.map(({ from, to, day, sign }) => ({ from, to, day, sign })));
    parts.push(sql`SELECT day_index, sign, ${raw(dimensions.join(', '))}, ${raw(MEASURES.join(', '))}
      FROM ${jsonPieces(json)} CROSS JOIN ${raw(table)}
      WHERE ${raw(timeColumn)} >= piece_from AND ${raw(timeColumn)} < piece_to${filterClause(filters)}`);
  }
  const rawPieces = pieces.filter((p) => p.source === 'raw');
  if (rawPieces.length) parts.push(rawPart(rawPieces, dimensions, filters));
  return { sql: parts.length ? join(parts, ' UNION ALL ') : emptyFacts(dimensions), days };
}

// A source's pieces arrive as one JSON array, unpacked once into columns (dialect.ts jsonPieces);
// CROSS JOIN keeps the pieces the outer loop, so each piece is one index range over its table.

/**
 * Raw rows for the partial hours. A half hour at a local midnight is taken from one day and given
 * to the next: each interval is read once, and its totals go to every (day, sign) that uses it.
 */
function rawPart(rawPieces: Piece<Source>[], dimensions: readonly Dimension[], filters: Filters): Sql {
  const intervals = new Map<string, { from: number; to: number; uses: [number, number][] }>();
  for (const { from, to, day, sign } of rawPieces) {
    const key = `${from}:${to}`;
    if (!intervals.has(key)) intervals.set(key, { from, to, uses: [] });
    intervals.get(key)!.uses.push([day, sign]);
  }
  return jsonIntervalTotals(JSON.stringify([...intervals.values()]), dimensions, filterClause(filters));
}
