import { formatModel } from '../format';

const FILTER_NAMES: Record<string, string> = { team: 'team', project: 'project', environment: 'environment', servingPath: 'serving path', region: 'region' };

export function seriesLabel(s: { model: string; apiKey: string | null }): string {
  return s.apiKey ? `${formatModel(s.model)} · ${s.apiKey}` : formatModel(s.model);
}

/** Why some filters are not applied here, or nothing when none are set. */
export function ignoredFiltersNote(ignored: string[]): string | null {
  if (!ignored.length) return null;
  return `The ${ignored.map((k) => FILTER_NAMES[k] ?? k).join(', ')} filter does not apply here: Fireworks meters rate limits per account and model, so this page narrows only by model and API key.`;
}
