import type { Db } from '@/db/client';
import { query } from './run';

export interface FilterOptions {
  apiKeys: { apiKey: string; label: string | null }[];
  models: string[];
  teams: string[];
  projects: string[];
  environments: string[];
  /** Endpoints calls were recorded on (paths such as chat/completions; lib/usage/endpoints.ts labels them). */
  endpoints: string[];
}

/** The values the filter bar offers: one pass over the daily rollup (the smallest that has every dimension). */
export function filterOptions(db: Db): FilterOptions {
  const combos = query<{ model: string; apiKey: string; team: string; project: string; environment: string; endpoint: string }>(
    db,
    'SELECT model, api_key AS apiKey, team, project, environment, endpoint FROM usage_daily GROUP BY 1, 2, 3, 4, 5, 6',
    [],
  );
  const values = (pick: (c: (typeof combos)[number]) => string) => [...new Set(combos.map(pick).filter((v) => v !== ''))].sort();
  const labels = new Map(query<{ apiKey: string; label: string }>(db, 'SELECT api_key AS apiKey, label FROM api_key_labels', []).map((l) => [l.apiKey, l.label]));
  const apiKeys = values((c) => c.apiKey)
    .map((apiKey) => ({ apiKey, label: labels.get(apiKey) ?? null }))
    .sort((a, b) => (a.label ?? a.apiKey).localeCompare(b.label ?? b.apiKey));
  return {
    apiKeys, models: values((c) => c.model), teams: values((c) => c.team), projects: values((c) => c.project), environments: values((c) => c.environment),
    endpoints: values((c) => c.endpoint),
  };
}
