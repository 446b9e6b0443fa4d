import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/db/client';

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
