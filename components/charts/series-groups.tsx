'use client';

import { OTHER, SERIES_GROUPS, type SeriesGroup } from '@/lib/analytics/engine/series-groups';
import { useViewFilters } from '@/lib/client/use-view-filters';
import { filterName } from '@/lib/client/view-filters';
import { SERVING_PATH_INFO, type ServingPath } from '@/lib/pricing/serving-paths';
import { endpointLabel } from '@/lib/usage/endpoints';
import { formatModel, SERIES_PALETTE, SERVING_PATH_COLORS } from '../format';


/** A series' name on the chart, in the user's words. */
export function seriesLabel(groupBy: SeriesGroup, g: string): string {
  if (g === OTHER) return g;
  if (groupBy === 'servingPath') return SERVING_PATH_INFO[g as ServingPath]?.label ?? g;
  if (groupBy === 'endpoint') return endpointLabel(g);
  if (g === '') return '(none)';
  return groupBy === 'model' ? formatModel(g) : g;
}

/** Serving paths keep their own colours; other groups take the palette in rank order. */
export function seriesColour(groupBy: SeriesGroup, g: string, rank: number): string {
  return groupBy === 'servingPath' ? SERVING_PATH_COLORS[g as ServingPath] : SERIES_PALETTE[rank % SERIES_PALETTE.length]!;
}

/** The grouping a chart's series follow, kept in the URL under `param` (absent means `fallback`). */
export function useSeriesGroup<G extends SeriesGroup | 'none'>(param: string, fallback: G): G | SeriesGroup {
  const chosen = useViewFilters().params.get(param);
  return chosen && chosen in SERIES_GROUPS ? (chosen as SeriesGroup) : fallback;
}

export function SeriesGroupSelect({ label, param, value, fallback, allowNone = false }: { label: string; param: string; value: string; fallback: string; allowNone?: boolean }) {
  const { update } = useViewFilters();
  return (
    <label className="inline-field">
      {label}
      <select aria-label={label} value={value} onChange={(e) => update((p) => (e.target.value === fallback ? p.delete(param) : p.set(param, e.target.value)))}>
        {allowNone ? <option value="none">nothing (all together)</option> : null}
        {(Object.keys(SERIES_GROUPS) as SeriesGroup[]).map((g) => <option key={g} value={g}>{filterName(g)}</option>)}
      </select>
    </label>
  );
}
