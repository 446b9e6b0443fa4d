import type { Db } from '@/db/client';
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { requests, type NewRequestRow } from '@/db/schema';
import { applyRollups } from '@/lib/rollups/apply';
import { BackgroundCheckpoints } from './background-checkpoints';
import { samePosition, type CallJournal, type JournalPosition } from './journal';
import { newRecordId } from './record-id';

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
/** Longest pause between retries: short, so writes resume within a second of the database coming back. */
const MAX_RETRY_PAUSE_MS = 1000;
const DEFAULT_BUSY_TIMEOUT_MS = 5000; // db/client.ts
const isTransient = (error: unknown) => TRANSIENT.test(String((error as { code?: unknown })?.code ?? ''));

export interface RecorderOptions {
  /** Where each call is appended before it is queued; replayed from its mark at start. */
  journal?: CallJournal;
  /** Rows held in memory; past this, rows wait in the journal only. */
  queueLimit?: number;
  flushIntervalMs?: number;
  log?: (message: string) => void;
  /** Told when a committed batch added rows (not when every row was a replay already there): budgets then read them. */
  onWritten?: () => void;
  /** Told how long each batch's write took and whether it committed (lib/metrics). */
  onBatch?: (seconds: number, ok: boolean) => void;
}

interface Entry {
  row: NewRequestRow;
  /** Journal position after this row's line; absent when the journal could not take it. */
  end?: JournalPosition;
}

interface Batch {
  entries: Entry[];
  /** Every journal line before this is in the database once the batch commits. */
  mark?: JournalPosition;
}

/**
 * Queues request rows and writes them in batches off the response path: one transaction per batch
 * inserts the rows, adds them to the rollups and moves the journal's mark. A failing write is
 * retried with backoff; a row the database refuses for its content is set aside, never blocking
 * the rest. While the database is away, memory holds at most `queueLimit` rows and the journal
 * holds the rest, read back in order once writes succeed again.
 */
export class Recorder {
  private queue: Entry[] = [];
  /** Journal lines from here on are not in memory (start-up replay, or the queue overflowed). */
  private backlog: JournalPosition | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly flushIntervalMs: number;
  private readonly queueLimit: number;
  private readonly insert: Database.Statement;
  private readonly lastId: Database.Statement;
  private readonly saveMark: Database.Statement;
  private readonly log: (message: string) => void;
  private readonly checkpoints: BackgroundCheckpoints;
  private readonly journal: CallJournal | undefined;
  private droppedBefore = -1;
  /** Every journal line before this is in the database. */
  private committed: JournalPosition | undefined;
  written = 0;
  quarantined = 0;
  /** See RecorderOptions.onWritten; may be set after construction. */
  onWritten: (() => void) | undefined;
  /** See RecorderOptions.onBatch; may be set after construction. */
  onBatch: ((seconds: number, ok: boolean) => void) | undefined;

  constructor(
    private readonly db: Db,
    options: RecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.queueLimit = options.queueLimit ?? 10_000;
    this.journal = options.journal;
    this.onWritten = options.onWritten;
    this.onBatch = options.onBatch;
    this.insert = db.$client.prepare(INSERT_SQL);
    this.lastId = db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM requests');
    this.saveMark = db.$client.prepare(MARK_SQL);
    this.log = options.log ?? ((m) => console.error(m));
    this.checkpoints = new BackgroundCheckpoints(db.$client, this.log);
    if (this.journal) {
      this.backlog = this.storedMark(this.journal.name);
      this.committed = this.backlog;
      this.schedule();
    }
  }

  /** Rows not yet in the database that are held in memory. */
  get pending(): number {
    return this.queue.length;
  }

  /** True while journal lines wait to be read back (replay, or an overflow). */
  get replaying(): boolean {
    return this.backlog !== undefined;
  }

  /** Consecutive failed writes; 0 when the last write succeeded. */
  get failedAttempts(): number {
    return this.failures;
  }

  /** Journal bytes after the last committed batch (journaled, not yet in the database); null without a journal. */
  get journalLagBytes(): number | null {
    return this.journal && this.committed ? this.journal.bytesAfter(this.committed) : null;
  }

  record(row: NewRequestRow): void {
    row.recordId ??= newRecordId();
    const appended = this.journal?.append(JSON.stringify(row));
    if (appended && (this.backlog || this.queue.length >= this.queueLimit)) {
      this.backlog ??= appended.start; // the journal has it; memory stays bounded
    } else {
      this.queue.push({ row, end: appended?.end });
    }
    this.schedule();
  }

  /** Writes what is queued now (and one chunk of journal backlog); false if the database refused. */
  flush(): boolean {
    const batch = this.nextBatch();
    if (!batch) return true;
    const began = performance.now();
    try {
      this.write(batch);
      this.tellBatch(began, true);
      this.failures = 0;
      if (batch.mark && batch.mark.segment !== this.droppedBefore) {
        this.journal?.dropBefore(batch.mark.segment);
        this.droppedBefore = batch.mark.segment;
      }
      return true;
    } catch (error) {
      this.queue = batch.entries.concat(this.queue);
      this.tellBatch(began, false);
      this.failures++;
      this.log(`recorder: write of ${batch.entries.length} rows failed (attempt ${this.failures}), will retry: ${String(error)}`);
      return false;
    }
  }

  /** Writes until nothing is left, the database refuses `attempts` times in a row, or time runs out. */
  drain(attempts = 3, deadline = Infinity): boolean {
    let refused = 0;
    while ((this.queue.length > 0 || this.backlog) && refused < attempts && Date.now() < deadline) {
      if (!this.flush()) refused++;
    }
    return this.queue.length === 0 && !this.backlog;
  }

  /** At shutdown: write what can be written. Rows the database still refuses stay in the journal. */
  close(deadline = Infinity): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.drain(3, deadline);
    this.checkpoints.stop();
    const lost = this.queue.filter((e) => !e.end && !this.journal?.append(JSON.stringify(e.row))).length;
    const left = this.queue.length - lost;
    if (left > 0 || this.backlog) this.log(`recorder: the database refused writes at shutdown; ${left > 0 ? `${left} rows` : 'the rest'} stay in the call journal and are written at the next start`);
    if (lost > 0) this.log(`recorder: ${lost} rows could be written neither to the database nor to the journal and are lost`);
    this.queue = [];
    this.journal?.close();
  }

  /** Stops without writing anything, as a killed process would; for tests of the recovery. */
  abandon(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.checkpoints.stop();
    this.queue = [];
    this.backlog = undefined;
  }

  private nextBatch(): Batch | undefined {
    if (this.queue.length > 0) {
      const entries = this.queue;
      this.queue = [];
      return { entries, mark: lastMark(entries) };
    }
    if (!this.backlog || !this.journal) return undefined;
    const { lines, torn, next } = this.journal.read(this.backlog);
    for (const text of torn) this.journal.quarantine(text, 'torn line at the end of a journal segment');
    const entries: Entry[] = [];
    for (const line of lines) {
      const row = parseRow(line.text);
      if (row) entries.push({ row, end: line.end });
      else this.journal.quarantine(line.text, 'not a request record');
    }
    this.backlog = samePosition(next, this.journal.end) ? undefined : next;
    return { entries, mark: next };
  }

  private write({ entries, mark }: Batch): void {
    const sqlite = this.db.$client;
    // Another process holding the write lock must not stall the proxy's event loop for long: give
    // up quickly and retry later (the rows are safe in the journal meanwhile).
    sqlite.pragma(`busy_timeout = ${WRITE_BUSY_TIMEOUT_MS}`);
    try {
      const inserted = sqlite.transaction(() => {
        const before = (this.lastId.get() as { id: number }).id;
        for (const { row } of entries) this.insert.run(driverValues(row));
        const after = (this.lastId.get() as { id: number }).id;
        if (after > before) applyRollups(sqlite, before + 1, after);
        if (mark && this.journal) this.saveMark.run(this.journal.name, mark.segment, mark.offset, Date.now());
        return after - before;
      }).immediate(); // the write lock first: a deferred one that read, then saw another replica's commit, could only fail at once
      this.written += inserted;
      if (mark && this.journal) this.committed = mark;
      if (inserted > 0) this.tellWritten();
    } catch (error) {
      if (isTransient(error)) throw error;
      // Refused for what is in it: find the row by halves, set it aside, write the others.
      if (entries.length === 1) {
        this.quarantined++;
        this.journal?.quarantine(JSON.stringify(entries[0]!.row), `database refused the row: ${String(error)}`);
        if (!this.journal) this.log(`recorder: dropped a row the database refused: ${String(error)}`);
        return this.write({ entries: [], mark });
      }
      const half = Math.ceil(entries.length / 2);
      this.write({ entries: entries.slice(0, half) });
      this.write({ entries: entries.slice(half), mark });
    } finally {
      sqlite.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
    }
  }

  private tellWritten(): void {
    try {
      this.onWritten?.();
    } catch (error) {
      this.log(`recorder: a listener failed on written rows: ${String(error)}`);
    }
  }

  private tellBatch(began: number, ok: boolean): void {
    try {
      this.onBatch?.((performance.now() - began) / 1000, ok);
    } catch (error) {
      this.log(`recorder: a batch listener failed: ${String(error)}`);
    }
  }

  private storedMark(journal: string): JournalPosition {
    const row = this.db.$client.prepare('SELECT segment, "offset" FROM journal_marks WHERE journal = ?').get(journal) as JournalPosition | undefined;
    return row ?? { segment: 0, offset: 0 };
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flushScheduled(), this.failures ? Math.min(MAX_RETRY_PAUSE_MS, this.flushIntervalMs * 2 ** this.failures) : this.flushIntervalMs);
  }

  private flushScheduled() {
    this.timer = undefined;
    try {
      this.flush();
    } catch (error) {
      this.failures++; // reading the journal failed; try again after a pause
      this.log(`recorder: ${String(error)}`);
    }
    if (this.queue.length > 0 || this.backlog) this.schedule();
  }
}

function lastMark(entries: Entry[]): JournalPosition | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.end) return entries[i]!.end;
  return undefined;
}

/** Journal lines written before costs were exact carry micro-dollars; lib/pricing/exact-money-backfill.ts re-prices them. */
const LEGACY_MONEY: Record<string, keyof NewRequestRow> = {
  costInputMicros: 'costInputPico', costCachedInputMicros: 'costCachedInputPico', costOutputMicros: 'costOutputPico',
  costTotalMicros: 'costTotalPico', cacheSavingsMicros: 'cacheSavingsPico', standardCostMicros: 'standardCostPico',
};

function fromLegacyMoney(row: Record<string, unknown>): void {
  for (const [old, key] of Object.entries(LEGACY_MONEY)) {
    const micros = row[old];
    if (old in row) delete row[old];
    if (typeof micros === 'number' && Number.isSafeInteger(micros * 1e6)) row[key] = micros * 1e6;
  }
}

function parseRow(text: string): NewRequestRow | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && typeof (value as NewRequestRow).recordId === 'string') {
      fromLegacyMoney(value as Record<string, unknown>);
      return value as NewRequestRow;
    }
  } catch {
    /* unparseable: quarantined by the caller */
  }
  return undefined;
}
