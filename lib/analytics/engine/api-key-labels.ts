import type { Db } from '@/db/client';
import { query } from './run';

export interface KeyLabel {
  label: string | null;
  team: string | null;
}

/** Labels for API-key fingerprints (a small table, one row per labelled key); unlabelled keys get nulls. */
export function apiKeyLabels(db: Db): (apiKey: string) => KeyLabel {
  const rows = query<{ apiKey: string; label: string; team: string | null }>(db, 'SELECT api_key AS apiKey, label, team FROM api_key_labels', []);
  const byKey = new Map(rows.map((r) => [r.apiKey, { label: r.label, team: r.team }]));
  return (apiKey) => byKey.get(apiKey) ?? { label: null, team: null };
}
