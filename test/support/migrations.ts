import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { Db } from '@/db/client';
import * as schema from '@/db/schema';

/** A database migrated only up to the migration tagged `last`, as an older Meter left it; openDatabase(file) applies the rest. */
export function databaseAt(last: string): { file: string; sqlite: Database.Database } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-upgrade-'));
  const folder = path.join(dir, 'migrations');
  fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync('db/migrations/meta/_journal.json', 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag === last);
  journal.entries = journal.entries.slice(0, upTo + 1);
  fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(`db/migrations/${e.tag}.sql`, path.join(folder, `${e.tag}.sql`));
  const file = path.join(dir, 'meter.db');
  const sqlite = new Database(file);
  migrate(drizzle(sqlite, { schema }), { migrationsFolder: folder });
  return { file, sqlite };
}

/** 0011 renamed the raw rows' money columns; an older migration that only tests them for NULL reads them under the new names. */
function withCurrentColumnNames(sql: string): string {
  return sql.replace(/\bcost_total_micros IS NULL/g, 'cost_total_pico IS NULL');
}

/** Runs again every data statement (not the schema changes) of the migration named `*_<name>.sql`. */
export function rerunMigrationUpdates(db: Db, name: string): void {
  const folder = path.join(process.cwd(), 'db/migrations');
  const migration = withCurrentColumnNames(fs.readFileSync(path.join(folder, fs.readdirSync(folder).find((f) => f.endsWith(`_${name}.sql`))!), 'utf8'));
  const statements = migration.split('--> statement-breakpoint').filter((s) => !/^\s*ALTER TABLE/.test(s));
  db.$client.transaction(() => {
    for (const s of statements) db.$client.exec(s);
  })();
}

/** Empties `table` and runs again the backfill (the INSERT statement) of the migration named `*_<name>.sql`. */
export function rerunMigrationBackfill(db: Db, name: string, table: string): void {
  const folder = path.join(process.cwd(), 'db/migrations');
  const migration = fs.readFileSync(path.join(folder, fs.readdirSync(folder).find((f) => f.endsWith(`_${name}.sql`))!), 'utf8');
  const backfill = migration.split('--> statement-breakpoint').find((s) => s.includes('INSERT INTO'))!;
  db.$client.transaction(() => {
    db.$client.exec(`DELETE FROM ${table}`);
    db.$client.exec(backfill);
  })();
}
