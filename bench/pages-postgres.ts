// The seeded SQLite database served from PostgreSQL, for bench:pages --engine=postgres|both: a
// throwaway cluster (test/support/postgres.ts, its test settings as they are), the seeded file
// copied into it with db:copy-to-postgres's function (which ends with VACUUM ANALYZE), and the real
// server on it as serveSeeded starts it on SQLite.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { copyToPostgres, type CopyReport } from '../scripts/copy-to-postgres';
import { startPostgres } from '../test/support/postgres';
import { stop } from './harness';
import { serveSeeded } from './seeded-db';

export interface PostgresCopy {
  server: Awaited<ReturnType<typeof serveSeeded>>['server'];
  end: Date;
  /** The cluster's postgres:// URL (trust auth). */
  databaseUrl: string;
  copy: CopyReport;
  /** The SQLite file (with its -wal) and the PostgreSQL database after the copy, in bytes. */
  sqliteBytes: number;
  postgresBytes: number;
  close(): Promise<void>;
}

export async function servePostgresCopy(file: string): Promise<PostgresCopy> {
  const cluster = await startPostgres();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-bench-pg-'));
  const cleanUp = async () => {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const copy = await copyToPostgres(`file:${file}`, cluster.url, { log: (line) => console.log(`  ${line}`) });
    const pool = new pg.Pool({ connectionString: cluster.url, max: 1 });
    const { rows } = await pool.query<{ bytes: string }>('SELECT pg_database_size(current_database()) AS bytes');
    await pool.end();
    const sqliteBytes = [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    const { server, end } = await serveSeeded(file, { databaseUrl: cluster.url, dataDir });
    return {
      server,
      end,
      databaseUrl: cluster.url,
      copy,
      sqliteBytes,
      postgresBytes: Number(rows[0]!.bytes),
      close: async () => {
        await stop(server.child);
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
