import type { MeterDb } from '@/db/database';
import { PriceBook } from '@/lib/pricing/price-book';
import { createRecorder } from '@/lib/recorder/create-recorder';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls, type SyntheticOptions } from './synthetic-calls';

/** Rows per batch: one transaction each. */
const BATCH = 5000;

/**
 * Writes synthetic calls through the same pricing and recorder path the proxy uses, on either
 * engine. Resolves to the rows written.
 */
export async function seedHistory(db: MeterDb, options: SyntheticOptions, progress?: (done: number) => void): Promise<number> {
  const prices = await PriceBook.load(db);
  // batches are flushed here, not by the timer: each is BATCH rows
  const recorder = await createRecorder(db, { flushIntervalMs: 3_600_000 });
  let done = 0;
  let writing: unknown;
  try {
    for (const call of syntheticCalls(options)) {
      const { model, servingPath, region } = call.facts;
      recorder.record(requestRow(call, prices.price({ model, servingPath, region, at: new Date(call.startedAt) }, call.usage)));
      if (++done % BATCH === 0) {
        // on PostgreSQL the next batch is made while this one is written (one in flight at a time)
        await writing;
        writing = recorder.flush();
        progress?.(done);
      }
    }
    await writing;
  } finally {
    await recorder.close();
  }
  return done;
}
