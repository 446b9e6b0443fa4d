import { setTimeout as sleep, setImmediate as nextTurn } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import { inTransaction, isSqlite, orm, tablesOf, type MeterDb } from '@/db/database';
import { execute, query } from '@/lib/analytics/engine/run';
import { empty, sql } from '@/lib/analytics/engine/sql';
import { CHANGES_REFRESH_MS, LiveCopy, tableVersion } from '@/lib/change-check';
import { sessionLock } from '@/db/client-pg';
import { isTransientPg } from '@/lib/recorder/pg-batch-writer';
import { addToUsageRollups, removeFromUsageRollups } from '@/lib/rollups/adjust';
import { API_KEY_LABELS_TABLE } from './api-key-labels';

/**
 * One team per call: its Fireworks-Annotations team, else its API key's team from Settings. The
 * proxy stamps it on each call as it is recorded; a key whose team changes in Settings has its
 * calls without an annotated team re-stamped here, rollups moved with them, so every filter,
 * table, chart, budget and export reads the same team.
 */
export type TeamSource = 'annotation' | 'api_key';

export const KEY_TEAMS_TASK = 'key-teams';

async function readTeams(db: MeterDb): Promise<Map<string, string | null>> {
  const { apiKeyLabels } = tablesOf(db);
  const rows = await orm(db).select({ apiKey: apiKeyLabels.apiKey, team: apiKeyLabels.team }).from(apiKeyLabels);
  return new Map(rows.map((r) => [r.apiKey, r.team]));
}

/**
 * The keys' teams in memory, so the proxy's `resolve` never waits on the database. `start` loads
 * them and then follows the labels' change counter every second (a change on any replica);
 * `reload` is awaited right after a change on this one, so its next call already sees it.
 */
export class KeyTeams {
  private teams = new Map<string, string>();
  // the counter is read before the labels: a change committed between the two is read again next time
  private readonly copy = new LiveCopy(
    () => tableVersion(this.db, API_KEY_LABELS_TABLE),
    async () => {
      const teams = await readTeams(this.db);
      this.teams = new Map([...teams].filter((entry): entry is [string, string] => !!entry[1]));
    },
  );

  private constructor(private readonly db: MeterDb) {}

  /** The teams as they are now; nothing runs in the background (tests, one-off tools). */
  static async load(db: MeterDb): Promise<KeyTeams> {
    const teams = new KeyTeams(db);
    await teams.reload();
    return teams;
  }

  /** For the proxy: loaded before it serves, then kept current every `refreshMs` until stop(). */
  static async start(db: MeterDb, { log = console.error, refreshMs = CHANGES_REFRESH_MS }: { log?: (message: string) => void; refreshMs?: number } = {}): Promise<KeyTeams> {
    const teams = await KeyTeams.load(db);
    teams.copy.start("the API keys' teams", log, refreshMs);
    return teams;
  }

  stop(): void {
    this.copy.stop();
  }

  /** The call's team and where it came from. */
  resolve(apiKey: string, annotated: string | null): { team: string | null; teamSource: TeamSource | null } {
    if (annotated !== null) return { team: annotated, teamSource: 'annotation' };
    const team = this.teams.get(apiKey) ?? null;
    return { team, teamSource: team === null ? null : 'api_key' };
  }

  /** Reads the teams again if the labels changed since they were read, on any replica; resolves once `resolve` gives the new ones. */
  reload(): Promise<void> {
    return this.copy.reload();
  }
}

/** Session advisory lock held by the replica running the re-stamping migration 0014 asked for ("meterKTj"). */
const JOB_LOCK_KEY = 0x6d657465724b546an;
/** Transaction advisory lock each page of re-stamping takes on PostgreSQL ("meterKTb"). */
const PAGE_LOCK_KEY = 0x6d657465724b5462n;

const PAGE = 5000;
const ATTEMPTS = 3;

interface Row {
  id: number;
  apiKey: string;
  team: string | null;
}

/**
 * Re-stamps the calls of one key (or, without one, of every key) that carry no annotated team with
 * the key's current team, moving the rollups in the same transaction as each page of rows. Pages by
 * id and yields between pages, so a key with millions of calls does not hold up the proxy.
 */
export async function applyKeyTeams(db: MeterDb, apiKey?: string): Promise<number> {
  let after = 0;
  let changed = 0;
  for (;;) {
    const page = await restampPage(db, after, apiKey);
    changed += page.changed;
    if (page.last === undefined) return changed;
    after = page.last;
    await nextTurn();
  }
}

/**
 * One page in one transaction that reads the teams itself, so each page uses the labels committed
 * when it began. Pages of different runs (the startup job, labels saved on any replica) never
 * overlap: on PostgreSQL each takes an advisory lock first, on SQLite the write lock. So the run a
 * label change started re-stamps its rows after any page that read the older label, never before.
 * A deadlock with a recorder's rollup upserts is retried.
 */
async function restampPage(db: MeterDb, after: number, apiKey: string | undefined): Promise<{ changed: number; last?: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(db, async (tx) => {
        if (!isSqlite(tx)) await execute(tx, sql`SELECT pg_advisory_xact_lock(${PAGE_LOCK_KEY})`);
        const teams = await readTeams(tx);
        const rows = await query<Row>(
          tx,
          sql`SELECT id, api_key AS apiKey, team FROM requests
            WHERE id > ${after} AND (team_source IS NULL OR team_source = 'api_key')${apiKey ? sql` AND api_key = ${apiKey}` : empty}
            ORDER BY id LIMIT ${PAGE}`,
        );
        const changes = rows.filter((r) => (teams.get(r.apiKey) ?? null) !== r.team);
        if (changes.length) await restamp(tx, changes, teams);
        return { changed: changes.length, last: rows.length < PAGE ? undefined : rows.at(-1)!.id };
      });
    } catch (error) {
      if (isSqlite(db) || attempt === ATTEMPTS || !isTransientPg(error)) throw error;
      await sleep(50 * attempt);
    }
  }
}

async function restamp(tx: MeterDb, changes: readonly Row[], teams: ReadonlyMap<string, string | null>): Promise<void> {
  const { requests } = tablesOf(tx);
  const ids = changes.map((r) => r.id);
  const byTeam = new Map<string | null, number[]>();
  for (const r of changes) {
    const team = teams.get(r.apiKey) ?? null;
    const same = byTeam.get(team);
    if (same) same.push(r.id);
    else byTeam.set(team, [r.id]);
  }
  await removeFromUsageRollups(tx, ids);
  for (const [team, teamIds] of byTeam) {
    await orm(tx).update(requests).set({ team, teamSource: team === null ? null : 'api_key' }).where(inArray(requests.id, teamIds));
  }
  await addToUsageRollups(tx, ids);
}

/**
 * The re-stamping migration 0014 asked for, once, in the background. On PostgreSQL one replica at
 * a time runs it (a session advisory lock, tried, on a connection of its own); another finds the
 * lock taken and leaves it to that one, which deletes the task when done.
 */
export async function runPendingKeyTeams(db: MeterDb, log: (message: string) => void): Promise<void> {
  const { maintenanceTasks } = tablesOf(db);
  const pending = async () => (await orm(db).select().from(maintenanceTasks).where(eq(maintenanceTasks.name, KEY_TEAMS_TASK))).length > 0;
  if (!(await pending())) return;
  await onOneReplica(db, async () => {
    if (!(await pending())) return; // another replica finished it before this one took the lock
    const changed = await applyKeyTeams(db);
    await orm(db).delete(maintenanceTasks).where(eq(maintenanceTasks.name, KEY_TEAMS_TASK));
    log(`Gave ${changed} stored calls without an annotated team their API key's team from Settings.`);
  });
}

async function onOneReplica(db: MeterDb, work: () => Promise<void>): Promise<void> {
  if (isSqlite(db)) return work();
  const lock = await sessionLock(db.$client, JOB_LOCK_KEY);
  if (!lock) return;
  try {
    await work();
  } finally {
    await lock.release();
  }
}
