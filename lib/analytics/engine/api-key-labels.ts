import { query, type AnalyticsDb } from './run';
import { sql } from './sql';

export interface KeyLabel {
  label: string | null;
  team: string | null;
}

/** Labels for API-key fingerprints (a small table, one row per labelled key); unlabelled keys get nulls. */
export async function apiKeyLabels(db: AnalyticsDb): Promise<(apiKey: string) => KeyLabel> {
  const rows = await query<{ apiKey: string; label: string; team: string | null }>(db, sql`SELECT api_key AS apiKey, label, team FROM api_key_labels`);
  const byKey = new Map(rows.map((r) => [r.apiKey, { label: r.label, team: r.team }]));
  return (apiKey) => byKey.get(apiKey) ?? { label: null, team: null };
}
