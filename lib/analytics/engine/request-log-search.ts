import { DAY_MS, HOUR_MS } from '@/lib/rollups/definition';
import { query, type AnalyticsDb } from './run';
import { int64 } from './dialect';
import { join, list, raw, sql, type Sql } from './sql';

/** Searched by prefix, each through an index that leads with the hour (db/schema/requests.ts). */
const ID_COLUMNS = ['upstream_id', 'upstream_request_id', 'session_affinity', 'user'] as const;

/** Above every valid UTF-8 sequence, so [q, q + TOP) is "starts with q" as an index range. */
const TOP = '\u{10FFFF}';

/** More models or keys than this matching one search is no longer a search: the first ones are kept. */
const MAX_MATCHED = 500;

export interface SearchTargets {
  prefix: string;
  /** Models whose id contains the search, and keys whose fingerprint or label does, among those seen in the range. */
  models: string[];
  apiKeys: string[];
}

/**
 * Models and keys are few, so a search for them is answered from the rollups first (any part of the
 * name, any case: people type "kimi", not the full model id) and then looked up as index equalities.
 */
export async function searchTargets(db: AnalyticsDb, q: string, from: Date, to: Date): Promise<SearchTargets> {
  const needle = q.toLowerCase();
  const matches = (...names: (string | null)[]) => names.some((n) => n !== null && n.toLowerCase().includes(needle));
  const hourFrom = Math.floor(from.getTime() / HOUR_MS) * HOUR_MS;
  const dayFrom = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const models = (await query<{ model: string }>(db, sql`SELECT DISTINCT model FROM usage_hourly_compact WHERE hour_start >= ${hourFrom} AND hour_start < ${to.getTime()}`))
    .map((r) => r.model)
    .filter((m) => matches(m));
  const apiKeys = (
    await query<{ apiKey: string; label: string | null }>(
      db,
      sql`SELECT k.api_key AS apiKey, (SELECT label FROM api_key_labels l WHERE l.api_key = k.api_key) AS label
     FROM (SELECT DISTINCT api_key FROM usage_daily_by_key WHERE day_start >= ${dayFrom} AND day_start < ${to.getTime()}) k`,
    )
  )
    .filter((k) => matches(k.apiKey, k.label))
    .map((k) => k.apiKey);
  return { prefix: q, models: models.slice(0, MAX_MATCHED), apiKeys: apiKeys.slice(0, MAX_MATCHED) };
}

/** Calls whose ids start with the search, in hours [lowHour, highHour], each branch one index range per hour. */
function idBranches(targets: SearchTargets): Sql[] {
  return ID_COLUMNS.map(
    (c) => sql`SELECT r.id FROM hours, requests r WHERE r.started_at / ${raw(String(HOUR_MS))} = hours.h AND r.${raw(c)} >= ${targets.prefix} AND r.${raw(c)} < ${targets.prefix + TOP}`,
  );
}

const hoursThen = (lowHour: number, highHour: number, branches: Sql[]): Sql =>
  sql`WITH RECURSIVE hours(h) AS (SELECT ${int64(highHour)} UNION ALL SELECT h - 1 FROM hours WHERE h > ${lowHour}) ${join(branches, ' UNION ALL ')}`;

const MATCHED_COLUMNS = (targets: SearchTargets) => [['model', targets.models], ['api_key', targets.apiKeys]] as const;

/** `AND id IN (…)`: the calls in hours [lowHour, highHour] that the search finds, all through indexes (for reading newest first). */
export function searchClause(targets: SearchTargets, lowHour: number, highHour: number): Sql {
  const branches = idBranches(targets);
  for (const [column, values] of MATCHED_COLUMNS(targets)) {
    if (!values.length) continue;
    branches.push(sql`SELECT r.id FROM requests r WHERE r.${raw(column)} IN (${list(values)}) AND r.started_at >= ${lowHour * HOUR_MS} AND r.started_at < ${(highHour + 1) * HOUR_MS}`);
  }
  return sql` AND id IN (${hoursThen(lowHour, highHour, branches)})`;
}

/**
 * The same condition for a query that reads every row of the range anyway (orders other than time):
 * matched models and keys are tested on each row, since gathering their ids first built a set of
 * hundreds of thousands of ids (a common model over 90 days) and looked each up again.
 */
export function rowSearchClause(targets: SearchTargets, lowHour: number, highHour: number): Sql {
  const tests = MATCHED_COLUMNS(targets).filter(([, values]) => values.length).map(([column, values]) => sql`${raw(column)} IN (${list(values)})`);
  return sql` AND (${join([...tests, sql`id IN (${hoursThen(lowHour, highHour, idBranches(targets))})`], ' OR ')})`;
}
