import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import { query } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { bumpTableVersion } from '@/lib/change-check';
import { DAY_MS } from '@/lib/rollups/definition';

/** The change counter of the labels (lib/change-check.ts): every replica's KeyTeams follows it. */
export const API_KEY_LABELS_TABLE = 'api_key_labels';

export interface ApiKeyLabelRow {
  /** The fingerprint (8 hex chars of SHA-256 + last 4 characters); the key itself is never stored. */
  apiKey: string;
  label: string | null;
  team: string | null;
  requests: number;
  /** Start of the last hour the key was used in, epoch ms; null for a label whose key has no calls yet. */
  lastSeenHour: number | null;
}

/** Every key fingerprint seen (from the hourly rollup, small) plus any labelled ahead of use. */
export function listApiKeyLabels(db: MeterDb): Promise<ApiKeyLabelRow[]> {
  // Totals per key from the daily per-key rollup, then the last hour within each key's last day:
  // the hourly rollup is hundreds of thousands of rows at millions of calls and scanning it took
  // seconds. Sorted outside: PostgreSQL orders by an output name only when it stands alone.
  return query<ApiKeyLabelRow>(
    db,
    sql`WITH per_key AS (SELECT api_key, sum(requests) AS requests, max(day_start) AS last_day FROM usage_daily_by_key GROUP BY api_key)
     SELECT * FROM (SELECT k.api_key AS apiKey, l.label AS label, l.team AS team, coalesce(s.requests, 0) AS requests,
       (SELECT max(hour_start) FROM usage_hourly_by_key h
         WHERE h.hour_start >= s.last_day AND h.hour_start < s.last_day + ${DAY_MS} AND h.api_key = s.api_key) AS lastSeenHour
     FROM (SELECT api_key FROM per_key UNION SELECT api_key FROM api_key_labels) k
     LEFT JOIN per_key s ON s.api_key = k.api_key
     LEFT JOIN api_key_labels l ON l.api_key = k.api_key) AS labels
     ORDER BY coalesce(lastSeenHour, 0) DESC, apiKey`,
  );
}

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);

export const apiKeyLabelSchema = z.object({
  apiKey: z.string().trim().min(1, 'apiKey is required').max(64),
  label: text(80),
  team: text(80).nullish(),
});
export type ApiKeyLabelInput = z.infer<typeof apiKeyLabelSchema>;

export interface ApiKeyLabel {
  apiKey: string;
  label: string | null;
  team: string | null;
}

/**
 * Sets a key's label and team; an empty label removes the label. Also moves the labels' change
 * counter, through the same handle (give it `audited`'s tx), so every replica's KeyTeams reloads.
 */
export async function saveApiKeyLabel(db: MeterDb, input: ApiKeyLabelInput, now = Date.now()): Promise<ApiKeyLabel> {
  const { apiKeyLabels } = tablesOf(db);
  let saved: ApiKeyLabel;
  if (!input.label) {
    await orm(db).delete(apiKeyLabels).where(eq(apiKeyLabels.apiKey, input.apiKey));
    saved = { apiKey: input.apiKey, label: null, team: null };
  } else {
    const row = { apiKey: input.apiKey, label: input.label, team: input.team || null, updatedAt: now };
    await orm(db)
      .insert(apiKeyLabels)
      .values(row)
      .onConflictDoUpdate({ target: apiKeyLabels.apiKey, set: { label: row.label, team: row.team, updatedAt: row.updatedAt } });
    saved = { apiKey: row.apiKey, label: row.label, team: row.team };
  }
  await bumpTableVersion(db, API_KEY_LABELS_TABLE, now);
  return saved;
}

/** One key's label as stored, or null. */
export async function apiKeyLabel(db: MeterDb, apiKey: string): Promise<{ apiKey: string; label: string; team: string | null } | null> {
  const { apiKeyLabels } = tablesOf(db);
  const [row] = await orm(db).select({ apiKey: apiKeyLabels.apiKey, label: apiKeyLabels.label, team: apiKeyLabels.team }).from(apiKeyLabels).where(eq(apiKeyLabels.apiKey, apiKey));
  return row ?? null;
}
