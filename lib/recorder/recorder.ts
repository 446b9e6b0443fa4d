import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '@/db/client';
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { requests, type NewRequestRow } from '@/db/schema';
import { applyRollups } from '@/lib/rollups/apply';
import { BackgroundCheckpoints } from './background-checkpoints';

// One prepared single-row INSERT, built from the drizzle schema so it follows every migration.
// Re-running a prepared statement is several times faster than building multi-row SQL per batch.
const COLUMNS = Object.entries(getTableColumns(requests)).filter(([key]) => key !== 'id');
const INSERT_SQL = `INSERT INTO requests (${COLUMNS.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

function driverValues(row: NewRequestRow): unknown[] {
  return COLUMNS.map(([key, column]) => {
    const value = row[key as keyof NewRequestRow];
    return value === undefined || value === null ? null : column.mapToDriverValue(value);
  });
}

export interface RecorderOptions {
  flushIntervalMs?: number;
  /** Where rows go if the database still refuses them at shutdown, to be replayed at next start. */
  spillDirectory: string;
  log?: (message: string) => void;
}

/**
 * Queues request rows and writes them in batches off the response path: one transaction per batch
 * inserts the rows and adds them to the rollups. A failing write is retried with backoff; nothing is dropped.
 */
export class Recorder {
  private queue: NewRequestRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly flushIntervalMs: number;
  private readonly insert: Database.Statement;
  private readonly lastId: Database.Statement;
  private readonly log: (message: string) => void;
  private readonly checkpoints: BackgroundCheckpoints;
  written = 0;

  constructor(
    private readonly db: Db,
    private readonly options: RecorderOptions,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.insert = db.$client.prepare(INSERT_SQL);
    this.lastId = db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM requests');
    this.log = options.log ?? ((m) => console.error(m));
    this.checkpoints = new BackgroundCheckpoints(db.$client, this.log);
  }

  get pending(): number {
    return this.queue.length;
  }

  record(row: NewRequestRow): void {
    this.queue.push(row);
    this.timer ??= setTimeout(() => this.flushScheduled(), this.flushIntervalMs);
  }

  /** Writes everything queued now; returns false (keeping the rows) if the database refused. */
  flush(): boolean {
    if (this.queue.length === 0) return true;
    const batch = this.queue;
    this.queue = [];
    try {
      const sqlite = this.db.$client;
      sqlite.transaction(() => {
        const before = (this.lastId.get() as { id: number }).id;
        for (const row of batch) this.insert.run(driverValues(row));
        applyRollups(sqlite, before + 1, before + batch.length);
      })();
      this.written += batch.length;
      this.failures = 0;
      return true;
    } catch (error) {
      this.queue = batch.concat(this.queue);
      this.failures++;
      this.log(`recorder: write of ${batch.length} rows failed (attempt ${this.failures}), will retry: ${String(error)}`);
      return false;
    }
  }

  /** Final flush at shutdown; rows the database still refuses are spilled to a file, never dropped. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let attempt = 0; attempt < 3 && !this.flush(); attempt++);
    this.checkpoints.stop();
    if (this.queue.length === 0) return;
    fs.mkdirSync(this.options.spillDirectory, { recursive: true });
    const file = path.join(this.options.spillDirectory, `unwritten-${Date.now()}.jsonl`);
    fs.writeFileSync(file, this.queue.map((r) => JSON.stringify(r)).join('\n') + '\n');
    this.log(`recorder: database unavailable at shutdown; ${this.queue.length} rows kept in ${file}`);
    this.queue = [];
  }

  /** Re-queues rows spilled by an earlier shutdown. */
  replaySpilled(): number {
    const dir = this.options.spillDirectory;
    if (!fs.existsSync(dir)) return 0;
    let replayed = 0;
    for (const name of fs.readdirSync(dir).filter((n) => /^unwritten-\d+\.jsonl$/.test(n))) {
      const file = path.join(dir, name);
      const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as NewRequestRow);
      this.queue.push(...rows);
      if (!this.flush()) break;
      fs.rmSync(file);
      replayed += rows.length;
    }
    return replayed;
  }

  private flushScheduled() {
    this.timer = undefined;
    if (this.flush()) return;
    const backoff = Math.min(30_000, this.flushIntervalMs * 2 ** this.failures);
    this.timer = setTimeout(() => this.flushScheduled(), backoff);
  }
}
