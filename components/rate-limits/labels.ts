import type { HeadroomRow, MeterFigures } from '@/lib/analytics/rate-limits-headroom';
import { filterName } from '@/lib/client/view-filters';
import { formatModel } from '../format';


export function seriesLabel(s: { model: string; apiKey: string | null }): string {
  return s.apiKey ? `${formatModel(s.model)} · ${s.apiKey}` : formatModel(s.model);
}

/** Why some filters are not applied here, or nothing when none are set. */
export function ignoredFiltersNote(ignored: string[]): string | null {
  if (!ignored.length) return null;
  return `The ${ignored.map(filterName).join(', ')} filter does not apply here: Fireworks meters rate limits per account and model, so this page narrows only by model and API key.`;
}

const METER_NAMES: Record<keyof MeterFigures, string> = { prompt: 'total prompt', uncachedPrompt: 'uncached prompt', generated: 'generated' };

/** The meter with the least headroom among known figures, by its name. */
export function tightestMeter(figures: MeterFigures): string {
  const known = (Object.entries(figures) as [keyof MeterFigures, number | null][]).filter(([, h]) => h !== null).sort((a, b) => a[1]! - b[1]!);
  return known[0] ? METER_NAMES[known[0][0]] : 'unknown';
}

/** Where a row's headroom figure comes from, in the user's words. */
export function headroomSource(row: HeadroomRow): string {
  return row.headroomSource === 'fireworks' ? 'as Fireworks reported it for the account' : "from Meter's own calls at the peak minute";
}

/** The figures the row's lowest headroom was taken from. */
export function sourceFigures(row: HeadroomRow): MeterFigures {
  return row.headroomSource === 'fireworks' ? row.reported : row.headroom;
}
