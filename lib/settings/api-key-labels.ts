import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { apiKeyLabels } from '@/db/schema';
import { querySync as query } from '@/lib/analytics/engine/run';
import { DAY_MS } from '@/lib/rollups/definition';

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
export function listApiKeyLabels(db: Db): ApiKeyLabelRow[] {
  return query<ApiKeyLabelRow>(
    db,
    // Totals per key from the daily per-key rollup, then the last hour within each key's last day:
    // the hourly rollup is hundreds of thousands of rows at millions of calls and scanning it took seconds.
    `WITH per_key AS (SELECT api_key, sum(requests) AS requests, max(day_start) AS last_day FROM usage_daily_by_key GROUP BY api_key)
     SELECT k.api_key AS apiKey, l.label AS label, l.team AS team, coalesce(s.requests, 0) AS requests,
       (SELECT max(hour_start) FROM usage_hourly_by_key h
         WHERE h.hour_start >= s.last_day AND h.hour_start < s.last_day + ${DAY_MS} AND h.api_key = s.api_key) AS lastSeenHour
     FROM (SELECT api_key FROM per_key UNION SELECT api_key FROM api_key_labels) k
     LEFT JOIN per_key s ON s.api_key = k.api_key
     LEFT JOIN api_key_labels l ON l.api_key = k.api_key
     ORDER BY coalesce(lastSeenHour, 0) DESC, k.api_key`,
    [],
  );
}

const text = (max: number) => z.string().trim().max(max, `at most ${max} characters`);

export const apiKeyLabelSchema = z.object({
  apiKey: z.string().trim().min(1, 'apiKey is required').max(64),
  label: text(80),
  team: text(80).nullish(),
});
export type ApiKeyLabelInput = z.infer<typeof apiKeyLabelSchema>;

/** Sets a key's label and team; an empty label removes the label. */
export function saveApiKeyLabel(db: Db, input: ApiKeyLabelInput): { apiKey: string; label: string | null; team: string | null } {
  if (!input.label) {
    db.delete(apiKeyLabels).where(eq(apiKeyLabels.apiKey, input.apiKey)).run();
    return { apiKey: input.apiKey, label: null, team: null };
  }
  const row = { apiKey: input.apiKey, label: input.label, team: input.team || null, updatedAt: Date.now() };
  db.insert(apiKeyLabels)
    .values(row)
    .onConflictDoUpdate({ target: apiKeyLabels.apiKey, set: { label: row.label, team: row.team, updatedAt: row.updatedAt } })
    .run();
  return { apiKey: row.apiKey, label: row.label, team: row.team };
}

/** One key's label as stored, or null. */
export function apiKeyLabel(db: Db, apiKey: string): { apiKey: string; label: string; team: string | null } | null {
  return db.select({ apiKey: apiKeyLabels.apiKey, label: apiKeyLabels.label, team: apiKeyLabels.team }).from(apiKeyLabels).where(eq(apiKeyLabels.apiKey, apiKey)).get() ?? null;
}
