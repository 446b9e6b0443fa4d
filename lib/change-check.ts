import type { Db } from '@/db/client';

/**
 * "Has this table changed?", asked at most once per `refreshMs`: `read` returns a cheap signature
 * of the table, and `changed` is true the first time and whenever the signature moved. For data
 * the proxy keeps in memory (prices, key teams, budgets), changed in Settings by this replica or another.
 */
export class ChangeCheck {
  private signature: string | undefined;
  private checkedAt = 0;

  constructor(
    private readonly read: () => string,
    private readonly refreshMs: number,
  ) {}

  /** `now`: read the signature whatever the time since the last check. */
  changed(now = false): boolean {
    if (!now && Date.now() - this.checkedAt <= this.refreshMs) return false;
    this.checkedAt = Date.now();
    const signature = this.read();
    if (signature === this.signature) return false;
    this.signature = signature;
    return true;
  }
}

/**
 * A count of writes to a table, kept in the database so every replica sharing it sees the change
 * (a price corrected in place keeps the row count and the newest id, so a signature alone misses it).
 */
const versionKey = (table: string) => `changes:${table}`;

export function tableVersion(db: Db, table: string): string {
  const row = db.$client.prepare('SELECT value_json AS v FROM settings WHERE key = ?').get(versionKey(table)) as { v: string } | undefined;
  return row?.v ?? '0';
}

export function bumpTableVersion(db: Db, table: string, now = Date.now()): void {
  db.$client
    .prepare(`INSERT INTO settings (key, value_json, updated_at) VALUES (?, '1', ?)
      ON CONFLICT (key) DO UPDATE SET value_json = CAST(CAST(value_json AS INTEGER) + 1 AS TEXT), updated_at = excluded.updated_at`)
    .run(versionKey(table), now);
}

/** How often what a replica keeps in memory (prices, key teams, budgets) is checked against the database. */
export const CHANGES_REFRESH_MS = 1000;
