import { orm, tablesOf, type MeterDb } from '@/db/database';
import type { PriceRecord } from '@/db/schema';
import { query } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { CHANGES_REFRESH_MS, LiveCopy, tableVersion } from '@/lib/change-check';
import { computeCost } from './cost';
import { findPrice, standardEquivalent } from './lookup';
import type { Cost, PriceRow, Region, ServingPath, TokenCounts } from './types';

export type PricedRow = PriceRow & { id: number };

/** The name price-table.ts counts its writes under (lib/change-check.ts). */
export const PRICES_TABLE = 'prices';

export interface Pricing {
  priceId: number | null;
  cost: Cost | null; // null = unpriced
  /** The same tokens on the Standard row of the base model, exact pico-dollars; null when there is none. */
  standardCostPico: number | null;
}

export const UNPRICED: Pricing = { priceId: null, cost: null, standardCostPico: null };

export function toPriceRow(record: PriceRecord): PricedRow {
  return { ...record, servingPath: record.servingPath as ServingPath, region: record.region as Region };
}

/** Prices one call from the rows it is given; pure, so tests and re-pricing use it directly. */
export function priceCall(
  rows: PricedRow[],
  q: { model: string; servingPath: ServingPath; region: Region; at: Date },
  tokens: TokenCounts | undefined,
  row = findPrice(rows, q) as PricedRow | undefined,
): Pricing {
  if (!tokens || !row) return UNPRICED;
  try {
    const cost = computeCost(tokens, row);
    // Premium paths count in "what Priority and Fast cost above Standard"; discounted ones (Spot) in Spot's effective discount.
    const standard = q.servingPath === 'standard' ? { standardPico: cost.totalPico } : standardEquivalent(tokens, row, rows, q.at);
    return { priceId: row.id, cost, standardCostPico: standard?.standardPico ?? null };
  } catch (error) {
    // a single call costing thousands of dollars is a broken usage report, not a bill to show
    if (error instanceof RangeError) return UNPRICED;
    throw error;
  }
}

/**
 * The price rows held in memory for the proxy, which prices every call from them synchronously and
 * never waits on the database. `start` loads them, then checks the table's change counter every
 * second (another replica, or Settings in this process, changed a price) and reads the rows again
 * when it moved; `reload()` does the same at once, awaited after a change made here.
 */
export class PriceBook {
  private rows: PricedRow[] = [];
  /** The row found per (model, path, region, UTC day): the proxy prices the same few keys all day. */
  private found = new Map<string, PricedRow | undefined>();
  /** Rows added (seeding, Settings) move the count or newest id; a correction or deletion moves the counter. */
  private readonly copy = new LiveCopy(
    async () => {
      const [stamp] = await query<{ n: number; max: number }>(this.db, sql`SELECT count(*) AS n, coalesce(max(id), 0) AS max FROM prices`);
      return `${Number(stamp?.n)}:${Number(stamp?.max)}:${await tableVersion(this.db, PRICES_TABLE)}`;
    },
    async () => {
      const { prices } = tablesOf(this.db);
      this.rows = (await orm(this.db).select().from(prices)).map(toPriceRow);
      this.found.clear();
    },
  );

  private constructor(readonly db: MeterDb) {}

  /** The rows as they are now, for one-off pricing (seeding history, benchmarks): nothing runs in the background. */
  static async load(db: MeterDb): Promise<PriceBook> {
    const book = new PriceBook(db);
    await book.reload();
    return book;
  }

  /** For the proxy: loaded before it serves, then kept current every `refreshMs` until stop(). */
  static async start(db: MeterDb, { log = console.error, refreshMs = CHANGES_REFRESH_MS }: { log?: (message: string) => void; refreshMs?: number } = {}): Promise<PriceBook> {
    const book = await PriceBook.load(db);
    book.copy.start('prices', log, refreshMs);
    running().add(book);
    return book;
  }

  stop(): void {
    this.copy.stop();
    running().delete(this);
  }

  price(q: { model: string; servingPath: ServingPath; region: Region; at: Date }, tokens: TokenCounts | undefined): Pricing {
    const key = `${q.model}|${q.servingPath}|${q.region}|${Math.floor(q.at.getTime() / 86_400_000)}`;
    if (!this.found.has(key)) {
      if (this.found.size > 10_000) this.found.clear();
      this.found.set(key, findPrice(this.rows, q) as PricedRow | undefined);
    }
    return priceCall(this.rows, q, tokens, this.found.get(key));
  }

  /** Reads the rows again if the table changed since they were read; resolves once the next call is priced with them. */
  reload(): Promise<void> {
    return this.copy.reload();
  }
}

// The custom server and the Next.js bundle load separate copies of this module: the books the
// server started are found through globalThis, so a route can have them read a change at once.
const BOOKS = Symbol.for('fireworks-meter.price-books');
const running = (): Set<PriceBook> => ((globalThis as { [BOOKS]?: Set<PriceBook> })[BOOKS] ??= new Set());

/**
 * Has every price book this process started on `db` read the table again; call after changing a
 * price (after its commit). Never fails: the change is saved, and a book that could not read it
 * now reads it at its next refresh.
 */
export async function reloadPriceBooks(db: MeterDb): Promise<void> {
  await Promise.allSettled([...running()].filter((book) => book.db === db).map((book) => book.reload()));
}
