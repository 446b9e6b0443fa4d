import type { NewRequestRow } from '@/db/schema';
import { samePosition, type CallJournal, type JournalPosition } from './journal';
import { newRecordId } from './record-id';
import type { BatchWrite, RecorderSteps } from './write-steps';

/** Longest pause between retries: short, so writes resume within a second of the database coming back. */
const MAX_RETRY_PAUSE_MS = 1000;

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

/** What the server, /healthz, /metrics and the seed hold, whichever engine writes the calls. */
export interface CallRecorder {
  record(row: NewRequestRow): void;
  /** Rows not yet in the database that are held in memory. */
  readonly pending: number;
  /** True while journal lines wait to be read back (replay, or an overflow). */
  readonly replaying: boolean;
  /** Consecutive failed writes; 0 when the last write succeeded. */
  readonly failedAttempts: number;
  /** Journal bytes after the last committed batch; null without a journal. */
  readonly journalLagBytes: number | null;
  /** Rows this recorder added to the database. */
  readonly written: number;
  /** Rows the database refused for their content, set aside in the journal's .bad file. */
  readonly quarantined: number;
  onWritten: (() => void) | undefined;
  onBatch: ((seconds: number, ok: boolean) => void) | undefined;
  /** Writes what is queued now (and one chunk of journal backlog); false if the database refused. */
  flush(): boolean | Promise<boolean>;
  /** At shutdown: writes what can be written before `deadline` (epoch ms); the rest stays in the journal. */
  close(deadline?: number): void | Promise<void>;
  /** Stops without writing anything, as a killed process would; for tests of the recovery. */
  abandon(): void;
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
 *
 * The engines differ only in how a batch is written and whether that waits (see write-steps.ts):
 * `runSteps` drives this class's steps against the engine's transaction.
 */
export abstract class RecorderCore {
  private queue: Entry[] = [];
  /** Journal lines from here on are not in memory (start-up replay, or the queue overflowed). */
  private backlog: JournalPosition | undefined;
  /** Set while a flush is scheduled or running, so a second one is never started beside it. */
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failures = 0;
  private readonly flushIntervalMs: number;
  private readonly queueLimit: number;
  protected readonly log: (message: string) => void;
  protected readonly journal: CallJournal | undefined;
  private droppedBefore = -1;
  /** Every journal line before this is in the database. */
  private committed: JournalPosition | undefined;
  written = 0;
  quarantined = 0;
  /** See RecorderOptions.onWritten; may be set after construction. */
  onWritten: (() => void) | undefined;
  /** See RecorderOptions.onBatch; may be set after construction. */
  onBatch: ((seconds: number, ok: boolean) => void) | undefined;

  /** `storedMark`: where the journal's lines stop being in the database (read by the engine before construction). */
  protected constructor(options: RecorderOptions, storedMark: JournalPosition | undefined) {
    this.flushIntervalMs = options.flushIntervalMs ?? 50;
    this.queueLimit = options.queueLimit ?? 10_000;
    this.journal = options.journal;
    this.onWritten = options.onWritten;
    this.onBatch = options.onBatch;
    this.log = options.log ?? ((m) => console.error(m));
    if (this.journal) {
      this.backlog = storedMark ?? { segment: 0, offset: 0 };
      this.committed = this.backlog;
      this.schedule();
    }
  }

  /** Errors that say "not now" (locked, away, full) rather than "never this row". */
  protected abstract isTransient(error: unknown): boolean;

  /** Runs steps against the engine, one run after another (never two batches in flight). */
  protected abstract runSteps<T>(steps: RecorderSteps<T>): T | Promise<T>;

  /** Called when the recorder stops: after the last write of close(), or at abandon(). */
  protected stopping(): void {}

  get pending(): number {
    return this.queue.length;
  }

  get replaying(): boolean {
    return this.backlog !== undefined;
  }

  get failedAttempts(): number {
    return this.failures;
  }

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

  abandon(): void {
    this.stop();
    this.stopping();
    this.queue = [];
    this.backlog = undefined;
  }

  protected *flushSteps(): RecorderSteps<boolean> {
    const batch = this.nextBatch();
    if (!batch) return true;
    const began = performance.now();
    try {
      yield* this.writeSteps(batch);
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
      this.schedule(); // a flush() that failed outside the timer is retried too
      return false;
    }
  }

  /** Writes until nothing is left, the database refuses `attempts` times in a row, or time runs out. */
  protected *drainSteps(attempts: number, deadline: number): RecorderSteps<boolean> {
    let refused = 0;
    while ((this.queue.length > 0 || this.backlog) && refused < attempts && Date.now() < deadline) {
      if (!(yield* this.flushSteps())) refused++;
    }
    return this.queue.length === 0 && !this.backlog;
  }

  /** Stops the timer at once; the steps write what can be written, and rows still refused stay in the journal. */
  protected closeSteps(deadline: number): RecorderSteps<void> {
    this.stop();
    return this.closing(deadline);
  }

  private *closing(deadline: number): RecorderSteps<void> {
    yield* this.drainSteps(3, deadline);
    this.stopping();
    const lost = this.queue.filter((e) => !e.end && !this.journal?.append(JSON.stringify(e.row))).length;
    const left = this.queue.length - lost;
    if (left > 0 || this.backlog) this.log(`recorder: the database refused writes at shutdown; ${left > 0 ? `${left} rows` : 'the rest'} stay in the call journal and are written at the next start`);
    if (lost > 0) this.log(`recorder: ${lost} rows could be written neither to the database nor to the journal and are lost`);
    this.queue = [];
    this.journal?.close();
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
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

  private *writeSteps({ entries, mark }: Batch): RecorderSteps<void> {
    const write: BatchWrite = { rows: entries.map((e) => e.row), mark: mark && this.journal ? { journal: this.journal.name, position: mark } : undefined };
    let inserted: number;
    try {
      inserted = yield write;
    } catch (error) {
      if (this.isTransient(error)) throw error;
      // Refused for what is in it: find the row by halves, set it aside, write the others.
      if (entries.length === 1) {
        this.quarantined++;
        this.journal?.quarantine(JSON.stringify(entries[0]!.row), `database refused the row: ${String(error)}`);
        if (!this.journal) this.log(`recorder: dropped a row the database refused: ${String(error)}`);
        return yield* this.writeSteps({ entries: [], mark });
      }
      const half = Math.ceil(entries.length / 2);
      yield* this.writeSteps({ entries: entries.slice(0, half) });
      return yield* this.writeSteps({ entries: entries.slice(half), mark });
    }
    this.written += inserted;
    if (write.mark) this.committed = mark;
    if (inserted > 0) this.tellWritten();
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

  private schedule(): void {
    if (this.stopped) return;
    this.timer ??= setTimeout(() => this.flushScheduled(), this.failures ? Math.min(MAX_RETRY_PAUSE_MS, this.flushIntervalMs * 2 ** this.failures) : this.flushIntervalMs);
  }

  private flushScheduled(): void {
    void this.runSteps(this.scheduledFlush());
  }

  private *scheduledFlush(): RecorderSteps<void> {
    try {
      yield* this.flushSteps();
    } catch (error) {
      this.failures++; // reading the journal failed; try again after a pause
      this.log(`recorder: ${String(error)}`);
    } finally {
      // The fired timer stayed set until now, so rows recorded meanwhile wait for this run instead
      // of starting a second; the next timer is armed inside the run, before any run chained behind it.
      this.timer = undefined;
      if (this.queue.length > 0 || this.backlog) this.schedule();
    }
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
