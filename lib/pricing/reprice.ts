import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { prices } from '@/db/schema';
import { picoToUsdString } from '@/lib/money';
import { addToUsageRollups, removeFromUsageRollups } from '@/lib/rollups/adjust';
import { priceCall, toPriceRow, type PricedRow, type Pricing } from './price-book';
import type { Region, ServingPath } from './types';

const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const repriceSchema = z
  .object({ from: instant, to: instant, model: z.string().trim().min(1).max(200).optional(), apply: z.boolean() })
  .refine((r) => !(r.from instanceof Date && r.to instanceof Date) || r.from < r.to, { message: '`from` must be before `to`', path: ['from'] });
export type RepriceRequest = z.infer<typeof repriceSchema>;

export interface RepriceFigures {
  /** Calls in the range (and model) looked at. */
  calls: number;
  /** Calls whose price row or any cost figure changes. */
  changed: number;
  /** Σ cost of priced calls before and after, exact decimal dollars. */
  oldUsd: string;
  newUsd: string;
  differenceUsd: string;
  becomePriced: number;
  becomeUnpriced: number;
}

export interface RepriceResult {
  applied: boolean;
  /** Stopped before the end of the range; the calls counted were re-priced, the rest were not looked at. */
  cancelled: boolean;
  range: { from: string; to: string };
  model: string | null;
  totals: RepriceFigures;
  byModel: (RepriceFigures & { model: string })[];
}

interface CallRow {
  id: number;
  startedAt: number;
  model: string;
  servingPath: ServingPath;
  region: Region;
  promptTokens: number | null;
  cachedPromptTokens: number | null;
  completionTokens: number | null;
  priceId: number | null;
  costInputPico: number | null;
  costCachedInputPico: number | null;
  costOutputPico: number | null;
  costTotalPico: number | null;
  cacheSavingsPico: number | null;
  standardCostPico: number | null;
}

const PAGE = `
  SELECT id, started_at AS startedAt, model, serving_path AS servingPath, region, prompt_tokens AS promptTokens,
    cached_prompt_tokens AS cachedPromptTokens, completion_tokens AS completionTokens, price_id AS priceId,
    cost_input_pico AS costInputPico, cost_cached_input_pico AS costCachedInputPico, cost_output_pico AS costOutputPico,
    cost_total_pico AS costTotalPico, cache_savings_pico AS cacheSavingsPico, standard_cost_pico AS standardCostPico
  FROM requests
  WHERE started_at >= ? AND started_at < ? AND (started_at > ? OR (started_at = ? AND id > ?)) AND (? IS NULL OR model = ?)
  ORDER BY started_at, id LIMIT ?`;

const UPDATE = `
  UPDATE requests SET price_id = ?, cost_input_pico = ?, cost_cached_input_pico = ?, cost_output_pico = ?,
    cost_total_pico = ?, cache_savings_pico = ?, standard_cost_pico = ? WHERE id = ?`;

/** The cost columns a pricing writes, in UPDATE order. */
function columns(p: Pricing): (number | null)[] {
  const c = p.cost;
  return [p.priceId, c?.inputPico ?? null, c?.cachedInputPico ?? null, c?.outputPico ?? null, c?.totalPico ?? null, c?.cacheSavingsPico ?? null, p.standardCostPico];
}

function current(r: CallRow): (number | null)[] {
  return [r.priceId, r.costInputPico, r.costCachedInputPico, r.costOutputPico, r.costTotalPico, r.cacheSavingsPico, r.standardCostPico];
}

/** The same pricing the proxy does at ingest, from the row's stored tokens (usage unknown → unpriced). */
function repriceCall(rows: PricedRow[], r: CallRow): Pricing {
  const tokens =
    r.promptTokens === null ? undefined : { promptTokens: r.promptTokens, cachedPromptTokens: r.cachedPromptTokens ?? 0, completionTokens: r.completionTokens ?? 0 };
  return priceCall(rows, { model: r.model, servingPath: r.servingPath, region: r.region, at: new Date(r.startedAt) }, tokens);
}

/** Figures being counted: the sums stay BigInt pico-dollars until the result is written. */
type Tally = Omit<RepriceFigures, 'oldUsd' | 'newUsd' | 'differenceUsd'> & { oldPico: bigint; newPico: bigint };

const empty = (): Tally => ({ calls: 0, changed: 0, oldPico: 0n, newPico: 0n, becomePriced: 0, becomeUnpriced: 0 });

function count(f: Tally, before: number | null, after: number | null, changed: boolean): void {
  f.calls++;
  if (changed) f.changed++;
  f.oldPico += BigInt(before ?? 0);
  f.newPico += BigInt(after ?? 0);
  if (before === null && after !== null) f.becomePriced++;
  if (before !== null && after === null) f.becomeUnpriced++;
}

function figures({ oldPico, newPico, ...counts }: Tally): RepriceFigures {
  return { ...counts, oldUsd: picoToUsdString(oldPico), newUsd: picoToUsdString(newPico), differenceUsd: picoToUsdString(newPico - oldPico) };
}

const sizeOfChange = (f: Tally) => (f.newPico > f.oldPico ? f.newPico - f.oldPico : f.oldPico - f.newPico);

// One re-pricing at a time in the whole process: the server's start-up backfill and Settings run in
// separate copies of this module (the custom server and the Next.js bundle), so the flag is global.
const APPLYING = Symbol.for('fireworks-meter.reprice-applying');
const flags = globalThis as { [APPLYING]?: boolean };

/** Whether a re-pricing is being applied anywhere in the process (the backfill, or one from Settings). */
export const repriceRunning = (): boolean => flags[APPLYING] === true;

export class RepriceBusyError extends Error {
  constructor() {
    super('A re-pricing is already being applied; wait for it to finish.');
  }
}

/**
 * Prices the calls in [from, to) again with the current price table. With `apply: false` it only
 * says what would change. With `apply: true` it rewrites each changed call's cost columns and
 * price row, and moves the hourly rollup by the same amounts in the same transaction, so every
 * total stays exact. Works page by page (keyset on started_at, id) and yields between pages, so
 * millions of calls neither fill memory nor hold up the proxy running in the same process.
 */
export interface RepriceOptions {
  pageSize?: number;
  /** Told the calls looked at so far after each page. */
  onProgress?: (calls: number) => void;
  /** Stops between pages: the pages done stay applied (each is its own transaction), the rest is left. */
  signal?: AbortSignal;
}

export async function reprice(db: Db, request: RepriceRequest, { pageSize = 5000, onProgress, signal }: RepriceOptions = {}): Promise<RepriceResult> {
  if (request.apply) {
    if (flags[APPLYING]) throw new RepriceBusyError();
    flags[APPLYING] = true;
  }
  let cancelled = false;
  try {
    const table = db.select().from(prices).all().map(toPriceRow);
    const sqlite = db.$client;
    const page = sqlite.prepare(PAGE);
    const update = sqlite.prepare(UPDATE);
    const totals = empty();
    const byModel = new Map<string, Tally>();
    const model = request.model ?? null;
    let after = { startedAt: request.from.getTime(), id: -1 };

    for (;;) {
      const calls = page.all(after.startedAt, request.to.getTime(), after.startedAt, after.startedAt, after.id, model, model, pageSize) as CallRow[];
      const changes: { id: number; values: (number | null)[] }[] = [];
      for (const call of calls) {
        const values = columns(repriceCall(table, call));
        const before = current(call);
        const changed = values.some((v, i) => v !== before[i]);
        if (changed) changes.push({ id: call.id, values });
        const perModel = byModel.get(call.model) ?? empty();
        byModel.set(call.model, perModel);
        count(perModel, call.costTotalPico, values[4] ?? null, changed);
        count(totals, call.costTotalPico, values[4] ?? null, changed);
      }
      if (request.apply && changes.length) {
        const ids = changes.map((c) => c.id);
        sqlite.transaction(() => {
          removeFromUsageRollups(sqlite, ids);
          for (const c of changes) update.run(...c.values, c.id);
          addToUsageRollups(sqlite, ids);
        })();
      }
      const last = calls.at(-1);
      if (!last || calls.length < pageSize) break;
      after = { startedAt: last.startedAt, id: last.id };
      onProgress?.(totals.calls);
      await nextTurn();
      if (signal?.aborted) {
        cancelled = true;
        break;
      }
    }
    onProgress?.(totals.calls);
    return {
      cancelled,
      applied: request.apply,
      range: { from: request.from.toISOString(), to: request.to.toISOString() },
      model,
      totals: figures(totals),
      byModel: [...byModel.entries()]
        .sort(([ma, a], [mb, b]) => (sizeOfChange(b) > sizeOfChange(a) ? 1 : sizeOfChange(b) < sizeOfChange(a) ? -1 : ma.localeCompare(mb)))
        .map(([m, f]) => ({ model: m, ...figures(f) })),
    };
  } finally {
    if (request.apply) flags[APPLYING] = false;
  }
}
