import type { NewRequestRow } from '@/db/schema';
import type { JournalPosition } from './journal';

/** One transaction the recorder asks of its database: insert these rows, roll them up, save the mark. */
export interface BatchWrite {
  rows: NewRequestRow[];
  /** The journal line up to which everything is in the database once this commits. */
  mark?: { journal: string; position: JournalPosition };
}

/**
 * The recorder's logic between database writes (queue, journal, halving, quarantine), written once
 * for both engines: it yields each write it needs and is handed back how many rows the write added,
 * or has the write's error thrown into it. SQLite drives it synchronously (its flush() returns a
 * boolean, as ~45 tests rely on); PostgreSQL drives it with an await at each write.
 */
export type RecorderSteps<T> = Generator<BatchWrite, T, number>;

export function runStepsSync<T>(steps: RecorderSteps<T>, write: (batch: BatchWrite) => number): T {
  let step = steps.next();
  while (!step.done) {
    let added: number;
    try {
      added = write(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(added);
  }
  return step.value;
}

export async function runStepsAsync<T>(steps: RecorderSteps<T>, write: (batch: BatchWrite) => Promise<number>): Promise<T> {
  let step = steps.next();
  while (!step.done) {
    let added: number;
    try {
      added = await write(step.value);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(added);
  }
  return step.value;
}
