// Tables copied row for row from a SQLite database into a migrated PostgreSQL one, for tests that
// ask both engines the same question over the same rows.
import type { Db } from '@/db/client';
import type { PostgresDatabase } from '@/db/client-pg';

/** Integers exactly (past 2^53 too); SQLite's 0/1 become booleans where PostgreSQL's column is one. */
export async function copyTables(from: Db, to: PostgresDatabase, tables: readonly string[]): Promise<void> {
  const flags = await to.pool.query<{ table_name: string; column_name: string }>(
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND data_type = 'boolean'",
  );
  for (const table of tables) {
    const rows = from.$client.prepare(`SELECT * FROM ${table}`).safeIntegers().all() as Record<string, unknown>[];
    if (!rows.length) continue;
    const columns = Object.keys(rows[0]!);
    const boolean = new Set(flags.rows.filter((f) => f.table_name === table).map((f) => f.column_name));
    const value = (c: string, v: unknown) => (v === null ? null : boolean.has(c) ? Boolean(v) : typeof v === 'bigint' ? v.toString() : v);
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows.slice(i, i + 100);
      const tuples = batch.map((_, j) => `(${columns.map((__, k) => `$${j * columns.length + k + 1}`).join(', ')})`);
      await to.pool.query(`INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')}`, batch.flatMap((r) => columns.map((c) => value(c, r[c]))));
    }
  }
}
