import type { Db } from '@/db/client';
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { requests, type NewRequestRow } from '@/db/schema';
import { applyRollups } from '@/lib/rollups/apply';
import { BackgroundCheckpoints } from './background-checkpoints';
import { RecorderCore, type CallRecorder, type RecorderOptions } from './call-recorder';
import type { JournalPosition } from './journal';
import { runStepsSync, type BatchWrite, type RecorderSteps } from './write-steps';

export type { CallRecorder, RecorderOptions } from './call-recorder';

// One prepared single-row INSERT, built from the drizzle schema so it follows every migration.
// Re-running a prepared statement is several times faster than building multi-row SQL per batch.
// A record id already present is skipped: that is what makes replaying a journal idempotent.
const COLUMNS = Object.entries(getTableColumns(requests)).filter(([key]) => key !== 'id');
const INSERT_SQL = `INSERT INTO requests (${COLUMNS.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (record_id) DO NOTHING`;
const MARK_SQL = `INSERT INTO journal_marks (journal, segment, "offset", updated_at) VALUES (?, ?, ?, ?)
  ON CONFLICT (journal) DO UPDATE SET segment = excluded.segment, "offset" = excluded."offset", updated_at = excluded.updated_at`;

function driverValues(row: NewRequestRow): unknown[] {
  return COLUMNS.map(([key, column]) => {
    const value = row[key as keyof NewRequestRow];
    return value === undefined || value === null ? null : column.mapToDriverValue(value);
  });
}

/** Errors that say "not now" (locked, full, I/O) rather than "never this row". */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY|NOMEM|PROTOCOL|CORRUPT|NOTADB|INTERRUPT)/;
const WRITE_BUSY_TIMEOUT_MS = 20;
const DEFAULT_BUSY_TIMEOUT_MS = 5000; // db/client.ts

function storedMark(db: Db, journal: string): JournalPosition | undefined {
  return db.$client.prepare('SELECT segment, "offset" FROM journal_marks WHERE journal = ?').get(journal) as JournalPosition | undefined;
}

/**
 * The recorder on SQLite (call-recorder.ts holds the queue, journal and retries): synchronous, one
 * IMMEDIATE transaction per batch, with WAL checkpoints moved to a worker thread.
 */
export class Recorder extends RecorderCore implements CallRecorder {
  private readonly insert: Database.Statement;
  private readonly lastId: Database.Statement;
  private readonly saveMark: Database.Statement;
  private readonly checkpoints: BackgroundCheckpoints;

  constructor(
    private readonly db: Db,
    options: RecorderOptions = {},
  ) {
    super(options, options.journal && storedMark(db, options.journal.name));
    this.insert = db.$client.prepare(INSERT_SQL);
    this.lastId = db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM requests');
    this.saveMark = db.$client.prepare(MARK_SQL);
    this.checkpoints = new BackgroundCheckpoints(db.$client, this.log);
  }

  flush(): boolean {
    return this.runSteps(this.flushSteps());
  }

  drain(attempts = 3, deadline = Infinity): boolean {
    return this.runSteps(this.drainSteps(attempts, deadline));
  }

  close(deadline = Infinity): void {
    this.runSteps(this.closeSteps(deadline));
  }

  protected isTransient(error: unknown): boolean {
    return TRANSIENT.test(String((error as { code?: unknown })?.code ?? ''));
  }

  protected runSteps<T>(steps: RecorderSteps<T>): T {
    return runStepsSync(steps, (batch) => this.write(batch));
  }

  protected stopping(): void {
    this.checkpoints.stop();
  }

  private write({ rows, mark }: BatchWrite): number {
    const sqlite = this.db.$client;
    // Another process holding the write lock must not stall the proxy's event loop for long: give
    // up quickly and retry later (the rows are safe in the journal meanwhile).
    sqlite.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
    try {
      return sqlite.transaction(() => {
        const before = (this.lastId.get() as { id: number }).id;
        for (const row of rows) this.insert.run(driverValues(row));
        const after = (this.lastId.get() as { id: number }).id;
        if (after > before) applyRollups(sqlite, before + 1, after);
        if (mark) this.saveMark.run(mark.journal, mark.position.segment, mark.position.offset, Date.now());
        return after - before;
      }).immediate(); // the write lock first: a deferred one that read, then saw another replica's commit, could only fail at once
    } finally {
      sqlite.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    }
  }
}
