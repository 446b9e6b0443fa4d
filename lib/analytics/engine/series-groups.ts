import { z } from 'zod';
import type { Dimension } from '@/lib/rollups/definition';
import { SERVING_PATHS } from './filters';

/** What a time chart can split its series by, named as the filters name them. */
export const SERIES_GROUPS = { servingPath: 'serving_path', team: 'team', model: 'model', apiKey: 'api_key', endpoint: 'endpoint' } as const satisfies Record<string, Dimension>;
export type SeriesGroup = keyof typeof SERIES_GROUPS;

export const seriesGroupSchema = z.enum(Object.keys(SERIES_GROUPS) as [SeriesGroup, ...SeriesGroup[]], 'groupBy must be servingPath, team, model, apiKey or endpoint');

/** Past this many groups the smaller ones are summed as "other", so a chart stays readable. */
const MOST_GROUPS = 8;
export const OTHER = '(other)';

/**
 * The series a chart draws, largest first by `totals`; the rest fold into OTHER. Serving paths are
 * few and each has its colour: all of them, in their own order.
 */
export function keptGroups(groupBy: SeriesGroup, totals: Map<string, number>): { kept: string[]; seriesOf: (group: string) => string } {
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([g]) => g);
  const kept = groupBy === 'servingPath' ? [...SERVING_PATHS] : ranked.length > MOST_GROUPS ? [...ranked.slice(0, MOST_GROUPS - 1), OTHER] : ranked;
  const known = new Set(kept);
  return { kept, seriesOf: (g) => (known.has(g) ? g : OTHER) };
}
