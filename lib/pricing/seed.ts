import type { Db } from '@/db/client';
import { prices } from '@/db/schema';
import type { PriceRow } from './types';

/** Puts the shipped catalog into the prices table; rows already there (same identity) are kept as they are. */
export function seedPriceCatalog(db: Db, rows: PriceRow[]): number {
  let inserted = 0;
  db.transaction((tx) => {
    for (const row of rows) {
      inserted += tx.insert(prices).values(row).onConflictDoNothing().run().changes;
    }
  });
  return inserted;
}
