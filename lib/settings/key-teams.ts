import { setImmediate as nextTurn } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiKeyLabels, maintenanceTasks } from '@/db/schema';
import { CHANGES_REFRESH_MS, ChangeCheck } from '@/lib/change-check';
import { addToUsageRollups, removeFromUsageRollups } from '@/lib/rollups/adjust';

/**
 * One team per call: its Fireworks-Annotations team, else its API key's team from Settings. The
 * proxy stamps it on each call as it is recorded; a key whose team changes in Settings has its
 * calls without an annotated team re-stamped here, rollups moved with them, so every filter,
 * table, chart, budget and export reads the same team.
 */
export type TeamSource = 'annotation' | 'api_key';

export const KEY_TEAMS_TASK = 'key-teams';

/** The keys' teams in memory for the proxy, read again when Settings changed them (checked at most every `refreshMs`). */
export class KeyTeams {
  private teams = new Map<string, string>();
  private readonly check: ChangeCheck;

  constructor(
    private readonly db: Db,
    refreshMs = CHANGES_REFRESH_MS,
  ) {
    this.check = new ChangeCheck(() => {
      const stamp = this.db.select({ n: sql<number>`count(*)`, at: sql<number>`coalesce(max(${apiKeyLabels.updatedAt}), 0)` }).from(apiKeyLabels).get();
      return `${stamp?.n}:${stamp?.at}`;
    }, refreshMs);
    this.reload();
  }

  /** The call's team and where it came from. */
  resolve(apiKey: string, annotated: string | null): { team: string | null; teamSource: TeamSource | null } {
    if (annotated !== null) return { team: annotated, teamSource: 'annotation' };
    if (this.check.changed()) this.load();
    const team = this.teams.get(apiKey) ?? null;
    return { team, teamSource: team === null ? null : 'api_key' };
  }

  /** Reads the teams again if Settings changed them, whenever they were last checked. */
  reload(): void {
    if (this.check.changed(true)) this.load();
  }

  private load(): void {
    const rows = this.db.select({ apiKey: apiKeyLabels.apiKey, team: apiKeyLabels.team }).from(apiKeyLabels).all();
    this.teams = new Map(rows.filter((r) => r.team).map((r) => [r.apiKey, r.team!]));
  }
}

interface Row {
  id: number;
  apiKey: string;
  team: string | null;
}

const PAGE = 5000;

/**
 * Re-stamps the calls of one key (or, without one, of every key) that carry no annotated team with
 * the key's current team, moving the rollups in the same transaction as each page of rows. Pages by
 * id and yields between pages, so a key with millions of calls does not hold up the proxy.
 */
export async function applyKeyTeams(db: Db, apiKey?: string): Promise<number> {
  const sqlite = db.$client;
  const teams = new Map(db.select({ apiKey: apiKeyLabels.apiKey, team: apiKeyLabels.team }).from(apiKeyLabels).all().map((r) => [r.apiKey, r.team]));
  const page = sqlite.prepare(
    `SELECT id, api_key AS apiKey, team FROM requests WHERE id > ? AND (team_source IS NULL OR team_source = 'api_key')${apiKey ? ' AND api_key = ?' : ''} ORDER BY id LIMIT ${PAGE}`,
  );
  const update = sqlite.prepare('UPDATE requests SET team = ?, team_source = ? WHERE id = ?');
  let after = 0;
  let changed = 0;
  for (;;) {
    const rows = (apiKey ? page.all(after, apiKey) : page.all(after)) as Row[];
    const changes = rows.filter((r) => (teams.get(r.apiKey) ?? null) !== r.team);
    if (changes.length) {
      const ids = changes.map((r) => r.id);
      sqlite.transaction(() => {
        removeFromUsageRollups(sqlite, ids);
        for (const r of changes) {
          const team = teams.get(r.apiKey) ?? null;
          update.run(team, team === null ? null : 'api_key', r.id);
        }
        addToUsageRollups(sqlite, ids);
      })();
      changed += changes.length;
    }
    if (rows.length < PAGE) return changed;
    after = rows.at(-1)!.id;
    await nextTurn();
  }
}

/** The re-stamping migration 0014 asked for, once, in the background. */
export async function runPendingKeyTeams(db: Db, log: (message: string) => void): Promise<void> {
  if (!db.select().from(maintenanceTasks).where(eq(maintenanceTasks.name, KEY_TEAMS_TASK)).get()) return;
  const changed = await applyKeyTeams(db);
  db.delete(maintenanceTasks).where(eq(maintenanceTasks.name, KEY_TEAMS_TASK)).run();
  log(`Gave ${changed} stored calls without an annotated team their API key's team from Settings.`);
}
