import type { Db } from '@/db/client';
import { query } from './run';

export interface FilterOptions {
  apiKeys: { apiKey: string; label: string | null }[];
  models: string[];
  teams: string[];
  projects: string[];
  environments: string[];
}

/** The values the filter bar offers, from the hourly rollup (small) rather than raw rows. */
export function filterOptions(db: Db): FilterOptions {
  const distinct = (column: string) =>
    query<{ v: string }>(db, `SELECT DISTINCT ${column} AS v FROM usage_hourly WHERE ${column} != '' ORDER BY 1`, []).map((r) => r.v);
  const apiKeys = query<{ apiKey: string; label: string | null }>(
    db,
    `SELECT k.api_key AS apiKey, l.label AS label FROM (SELECT DISTINCT api_key FROM usage_hourly) k LEFT JOIN api_key_labels l ON l.api_key = k.api_key ORDER BY coalesce(l.label, k.api_key)`,
    [],
  );
  return { apiKeys, models: distinct('model'), teams: distinct('team'), projects: distinct('project'), environments: distinct('environment') };
}
