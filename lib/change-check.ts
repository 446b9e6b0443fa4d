import type { MeterDb } from '@/db/database';
import { execute, query } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';

/**
 * "Has this table changed?": `read` returns a cheap signature of the table, and `changed` is true
 * the first time and whenever the signature moved. For data the proxy keeps in memory (prices, key
 * teams, budgets), changed in Settings by this replica or another: the holder asks every
 * CHANGES_REFRESH_MS from a timer (`everyRefresh`), so the proxy's path never waits on the database.
 */
export class ChangeCheck {
  private signature: string | undefined;

  constructor(private readonly read: () => Promise<string>) {}

  async changed(): Promise<boolean> {
    const signature = await this.read();
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }
}

/**
 * Runs `task` every CHANGES_REFRESH_MS, one run at a time (a slow database skips ticks rather than
 * piling them up), and never keeps the process alive. Errors go to `log`; the next tick tries again.
 */
export function everyRefresh(task: () => Promise<void>, log: (message: string) => void, ms = CHANGES_REFRESH_MS): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .catch((error: unknown) => log(String(error)))
      .finally(() => (running = false));
  }, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/**
 * A count of writes to a table, kept in the database so every replica sharing it sees the change
 * (a price corrected in place keeps the row count and the newest id, so a signature alone misses it).
 */
const versionKey = (table: string) => `changes:${table}`;

export async function tableVersion(db: MeterDb, table: string): Promise<string> {
  const [row] = await query<{ v: string }>(db, sql`SELECT value_json AS v FROM settings WHERE key = ${versionKey(table)}`);
  return row?.v ?? '0';
}

export async function bumpTableVersion(db: MeterDb, table: string, now = Date.now()): Promise<void> {
  await execute(
    db,
    sql`INSERT INTO settings (key, value_json, updated_at) VALUES (${versionKey(table)}, '1', ${now})
      ON CONFLICT (key) DO UPDATE SET value_json = CAST(CAST(settings.value_json AS bigint) + 1 AS TEXT), updated_at = excluded.updated_at`,
  );
}

/** How often what a replica keeps in memory (prices, key teams, budgets) is checked against the database. */
export const CHANGES_REFRESH_MS = 1000;

/**
 * A table's contents held in memory for the proxy's hot path: `read` runs again when `signature`
 * moved, one read after another (an older read never replaces a newer one), in the background every
 * `refreshMs` once started, and at once on `reload()` (awaited right after a change on this
 * replica). A read that fails leaves the change unseen, so the next check reads it again.
 */
export class LiveCopy {
  private check: ChangeCheck;
  private queue: Promise<void> = Promise.resolve();
  private refresh?: { stop(): void };

  constructor(
    private readonly signature: () => Promise<string>,
    private readonly read: () => Promise<void>,
  ) {
    this.check = new ChangeCheck(signature);
  }

  reload(): Promise<void> {
    const next = this.queue.then(async () => {
      if (!(await this.check.changed())) return;
      try {
        await this.read();
      } catch (error) {
        this.check = new ChangeCheck(this.signature);
        throw error;
      }
    });
    this.queue = next.catch(() => {});
    return next;
  }

  /** `what` names the copy in the log line when a background read fails. */
  start(what: string, log: (message: string) => void, refreshMs = CHANGES_REFRESH_MS): void {
    this.refresh = everyRefresh(() => this.reload(), (error) => log(`Reading ${what} again failed (${error}); trying again in a second.`), refreshMs);
  }

  stop(): void {
    this.refresh?.stop();
  }
}
