import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { prices, type PriceRecord } from '@/db/schema';
import { CHANGES_REFRESH_MS, ChangeCheck, tableVersion } from '@/lib/change-check';
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
 * The price rows held in memory for the proxy, refreshed when the table changes (Settings adds
 * rows from another part of the process), checked at most once per `refreshMs`.
 */
export class PriceBook {
  private rows: PricedRow[] = [];
  /** The row found per (model, path, region, UTC day): the proxy prices the same few keys all day. */
  private found = new Map<string, PricedRow | undefined>();
  private readonly check: ChangeCheck;

  constructor(
    private readonly db: Db,
    refreshMs = CHANGES_REFRESH_MS,
  ) {
    this.check = new ChangeCheck(() => {
      const stamp = this.db.select({ n: sql<number>`count(*)`, max: sql<number>`coalesce(max(${prices.id}), 0)` }).from(prices).get();
      return `${stamp?.n}:${stamp?.max}:${tableVersion(this.db, PRICES_TABLE)}`;
    }, refreshMs);
    this.reload();
  }

  price(q: { model: string; servingPath: ServingPath; region: Region; at: Date }, tokens: TokenCounts | undefined): Pricing {
    if (this.check.changed()) this.load();
    const key = `${q.model}|${q.servingPath}|${q.region}|${Math.floor(q.at.getTime() / 86_400_000)}`;
    if (!this.found.has(key)) {
      if (this.found.size > 10_000) this.found.clear();
      this.found.set(key, findPrice(this.rows, q) as PricedRow | undefined);
    }
    return priceCall(this.rows, q, tokens, this.found.get(key));
  }

  /** Reads the rows again if the table changed, whenever it was last checked. */
  reload(): void {
    if (this.check.changed(true)) this.load();
  }

  private load(): void {
    this.rows = this.db.select().from(prices).all().map(toPriceRow);
    this.found.clear();
  }
}
