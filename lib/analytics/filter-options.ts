import type { Db } from '@/db/client';
import { RECORDED_ENDPOINTS } from '@/lib/usage/endpoints';
import { query } from './engine/run';

export interface FilterOptions {
  apiKeys: { apiKey: string; label: string | null }[];
  models: string[];
  teams: string[];
  projects: string[];
  environments: string[];
  /** The endpoints Meter records (paths such as chat/completions; lib/usage/endpoints.ts labels them). */
  endpoints: string[];
}

const distinct = (values: string[]) => [...new Set(values.filter((v) => v !== ''))].sort();

/**
 * The values the filter bar offers, each from the smallest daily rollup that has it: keys and models
 * from the per-key one, tags from the full one. The endpoints are Meter's own short list, offered
 * whether or not a call used them yet (no rollup is small enough to ask cheaply).
 */
export function filterOptions(db: Db): FilterOptions {
  const keyed = query<{ model: string; apiKey: string }>(db, 'SELECT model, api_key AS apiKey FROM usage_daily_by_key GROUP BY 1, 2', []);
  const tags = query<{ team: string; project: string; environment: string }>(db, 'SELECT team, project, environment FROM usage_daily GROUP BY 1, 2, 3', []);
  const labels = new Map(query<{ apiKey: string; label: string }>(db, 'SELECT api_key AS apiKey, label FROM api_key_labels', []).map((l) => [l.apiKey, l.label]));
  const apiKeys = distinct(keyed.map((c) => c.apiKey))
    .map((apiKey) => ({ apiKey, label: labels.get(apiKey) ?? null }))
    .sort((a, b) => (a.label ?? a.apiKey).localeCompare(b.label ?? b.apiKey));
  return {
    apiKeys,
    models: distinct(keyed.map((c) => c.model)),
    teams: distinct(tags.map((t) => t.team)),
    projects: distinct(tags.map((t) => t.project)),
    environments: distinct(tags.map((t) => t.environment)),
    endpoints: [...RECORDED_ENDPOINTS].sort(),
  };
}
