import type pg from 'pg';
import type { PgDb } from '@/db/client-pg';
import { RecorderCore, type CallRecorder, type RecorderOptions } from './call-recorder';
import type { JournalPosition } from './journal';
import { isTransientPg, writeBatchPg } from './pg-batch-writer';
import { runStepsAsync, type BatchWrite, type RecorderSteps } from './write-steps';

/**
 * The recorder on PostgreSQL (call-recorder.ts holds the queue, journal and retries): each batch
 * is one writeBatchPg transaction on the pool. Runs are chained, so a timer firing while a batch
 * is in flight, or a flush() called then, waits for it. No checkpoint worker: the server has its own.
 * The caller ends the pool, after awaiting close().
 */
export class PgRecorder extends RecorderCore implements CallRecorder {
  /** The last run started: the next one starts after it, whatever it ended with. */
  private tail: Promise<unknown> = Promise.resolve();

  /** Reads the journal's stored mark first (a constructor cannot wait for it). */
  static async open(db: PgDb, options: RecorderOptions = {}): Promise<PgRecorder> {
    const mark = options.journal ? await storedMark(db.$client, options.journal.name) : undefined;
    return new PgRecorder(db.$client, options, mark);
  }

  private constructor(
    private readonly pool: pg.Pool,
    options: RecorderOptions,
    mark: JournalPosition | undefined,
  ) {
    super(options, mark);
  }

  flush(): Promise<boolean> {
    return this.runSteps(this.flushSteps());
  }

  drain(attempts = 3, deadline = Infinity): Promise<boolean> {
    return this.runSteps(this.drainSteps(attempts, deadline));
  }

  /** Awaits the batch in flight, then writes what it can before `deadline`; end the pool after this. */
  async close(deadline = Infinity): Promise<void> {
    await this.runSteps(this.closeSteps(deadline));
  }

  protected isTransient(error: unknown): boolean {
    return isTransientPg(error);
  }

  protected runSteps<T>(steps: RecorderSteps<T>): Promise<T> {
    const run = this.tail.then(() => runStepsAsync(steps, (batch) => this.write(batch)));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async write({ rows, mark }: BatchWrite): Promise<number> {
    return (await writeBatchPg(this.pool, rows, { mark })).ids.length;
  }
}

async function storedMark(pool: pg.Pool, journal: string): Promise<JournalPosition | undefined> {
  const { rows } = await pool.query<{ segment: number; offset: string }>('SELECT segment, "offset" FROM journal_marks WHERE journal = $1', [journal]);
  return rows[0] && { segment: rows[0].segment, offset: Number(rows[0].offset) };
}
