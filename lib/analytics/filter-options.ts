import { RECORDED_ENDPOINTS } from '@/lib/usage/endpoints';
import { query, type AnalyticsDb } from './engine/run';
import { sql } from './engine/sql';

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
export async function filterOptions(db: AnalyticsDb): Promise<FilterOptions> {
  const keyed = await query<{ model: string; apiKey: string }>(db, sql`SELECT model, api_key AS apiKey FROM usage_daily_by_key GROUP BY 1, 2`);
  const tags = await query<{ team: string; project: string; environment: string }>(db, sql`SELECT team, project, environment FROM usage_daily GROUP BY 1, 2, 3`);
  const labels = new Map((await query<{ apiKey: string; label: string }>(db, sql`SELECT api_key AS apiKey, label FROM api_key_labels`)).map((l) => [l.apiKey, l.label]));
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
