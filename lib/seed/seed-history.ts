import type { Db } from '@/db/client';
import { PriceBook } from '@/lib/pricing/price-book';
import { Recorder } from '@/lib/recorder/recorder';
import { requestRow } from '@/lib/recorder/request-row';
import { syntheticCalls, type SyntheticOptions } from './synthetic-calls';

/** Writes synthetic calls through the same pricing and recorder path the proxy uses. Returns rows written. */
export function seedHistory(db: Db, options: SyntheticOptions, progress?: (done: number) => void): number {
  const prices = new PriceBook(db);
  const recorder = new Recorder(db);
  let done = 0;
  for (const call of syntheticCalls(options)) {
    const { model, servingPath, region } = call.facts;
    recorder.record(requestRow(call, prices.price({ model, servingPath, region, at: new Date(call.startedAt) }, call.usage)));
    if (++done % 5000 === 0) {
      recorder.flush();
      progress?.(done);
    }
  }
  recorder.close();
  return done;
}
