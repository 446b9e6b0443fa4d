import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { inTransaction, isSqlite, orm, tablesOf, type MeterDb } from '@/db/database';
import { sessionLock, type PgDb } from '@/db/client-pg';
import type pg from 'pg';
import { query } from '@/lib/analytics/engine/run';
import { empty as noSql, sql, type Sql } from '@/lib/analytics/engine/sql';
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

/** The calls after `after` in [from, to) (and of `model`), in (started_at, id) order: a keyset page. */
function page(request: RepriceRequest, after: { startedAt: number; id: number }, pageSize: number): Sql {
  return sql`
  SELECT id, started_at AS startedAt, model, serving_path AS servingPath, region, prompt_tokens AS promptTokens,
    cached_prompt_tokens AS cachedPromptTokens, completion_tokens AS completionTokens, price_id AS priceId,
    cost_input_pico AS costInputPico, cost_cached_input_pico AS costCachedInputPico, cost_output_pico AS costOutputPico,
    cost_total_pico AS costTotalPico, cache_savings_pico AS cacheSavingsPico, standard_cost_pico AS standardCostPico
  FROM requests
  WHERE started_at >= ${after.startedAt} AND started_at < ${request.to.getTime()} AND (started_at > ${after.startedAt} OR (started_at = ${after.startedAt} AND id > ${after.id}))${request.model ? sql` AND model = ${request.model}` : noSql}
  ORDER BY started_at, id LIMIT ${pageSize}`;
}

/** The cost columns a pricing writes, as named in `requests`, in `columns` order. */
const COST_COLUMNS = ['price_id', 'cost_input_pico', 'cost_cached_input_pico', 'cost_output_pico', 'cost_total_pico', 'cache_savings_pico', 'standard_cost_pico'];

// SQLite: one prepared statement run per call, microseconds each (an UPDATE … FROM (VALUES …) there
// scans the table per statement: 6x slower). PostgreSQL: one statement per page, since a round
// trip per call would cost more than the page's pricing.
const UPDATE_ONE = `
  UPDATE requests SET price_id = ?, cost_input_pico = ?, cost_cached_input_pico = ?, cost_output_pico = ?,
    cost_total_pico = ?, cache_savings_pico = ?, standard_cost_pico = ? WHERE id = ?`;

const UPDATE_MANY_PG = `
  UPDATE requests SET ${COST_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')}
  FROM unnest($1::bigint[], ${COST_COLUMNS.map((c, i) => `$${i + 2}::${c === 'price_id' ? 'integer' : 'bigint'}[]`).join(', ')}) AS v(id, ${COST_COLUMNS.join(', ')})
  WHERE requests.id = v.id`;

/** Writes each changed call's new cost columns (through the transaction's handle). */
async function writeCosts(tx: MeterDb, changes: readonly Change[]): Promise<void> {
  if (isSqlite(tx)) {
    const update = tx.$client.prepare(UPDATE_ONE);
    for (const c of changes) update.run(...c.values, c.id);
    return;
  }
  const values = [changes.map((c) => c.id), ...COST_COLUMNS.map((_, i) => changes.map((c) => c.values[i] ?? null))];
  await (tx.$client as pg.Pool | pg.PoolClient).query({ name: 'meter-reprice-costs', text: UPDATE_MANY_PG, values });
}

interface Change {
  id: number;
  values: (number | null)[];
}

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

/** pg_advisory_lock key held while a re-pricing is applied on PostgreSQL: any fixed bigint; this one is "meterRpr" in ASCII. */
export const REPRICE_LOCK_KEY = 0x6d65746572527072n;

/** The right to apply a re-pricing, held until released. */
export interface RepriceClaim {
  release(): Promise<void>;
}

/**
 * Claims the one re-pricing allowed at a time: in this process (a flag, set before anything is
 * awaited) and, on PostgreSQL, among every replica sharing the database (a session advisory lock on
 * one pooled connection, kept for the whole run; it goes with the connection if the process dies).
 * Throws RepriceBusyError when another holds it.
 */
export async function claimRepricing(db: MeterDb): Promise<RepriceClaim> {
  if (flags[APPLYING]) throw new RepriceBusyError();
  flags[APPLYING] = true;
  try {
    const unlock = isSqlite(db) ? undefined : await lockReplicas(db);
    let held = true;
    return {
      async release() {
        if (!held) return;
        held = false;
        try {
          await unlock?.();
        } finally {
          flags[APPLYING] = false;
        }
      },
    };
  } catch (error) {
    flags[APPLYING] = false;
    throw error;
  }
}

async function lockReplicas(db: PgDb): Promise<() => Promise<void>> {
  const lock = await sessionLock(db.$client, REPRICE_LOCK_KEY);
  if (!lock) throw new RepriceBusyError();
  return lock.release;
}

/**
 * Prices the calls in [from, to) again with the current price table. With `apply: false` it only
 * says what would change. With `apply: true` it rewrites each changed call's cost columns and
 * price row, and moves the usage rollups by the same amounts in the same transaction, so every
 * total stays exact. Works page by page (keyset on started_at, id) and yields between pages, so
 * millions of calls neither fill memory nor hold up the proxy running in the same process.
 */
export interface RepriceOptions {
  pageSize?: number;
  /** Told the calls looked at so far after each page. */
  onProgress?: (calls: number) => void;
  /** Stops between pages: the pages done stay applied (each is its own transaction), the rest is left. */
  signal?: AbortSignal;
  /** A claim already taken (claimRepricing); applying takes one itself otherwise. Released when the run ends. */
  claim?: RepriceClaim;
}

export async function reprice(db: MeterDb, request: RepriceRequest, { pageSize = 5000, onProgress, signal, claim }: RepriceOptions = {}): Promise<RepriceResult> {
  const held = claim ?? (request.apply ? await claimRepricing(db) : undefined);
  let cancelled = false;
  try {
    const table = (await orm(db).select().from(tablesOf(db).prices)).map(toPriceRow);
    const totals = empty();
    const byModel = new Map<string, Tally>();
    let after = { startedAt: request.from.getTime(), id: -1 };

    for (;;) {
      const calls = await query<CallRow>(db, page(request, after, pageSize));
      const changes: Change[] = [];
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
      if (request.apply && changes.length) await applyPage(db, changes);
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
      model: request.model ?? null,
      totals: figures(totals),
      byModel: [...byModel.entries()]
        .sort(([ma, a], [mb, b]) => (sizeOfChange(b) > sizeOfChange(a) ? 1 : sizeOfChange(b) < sizeOfChange(a) ? -1 : ma.localeCompare(mb)))
        .map(([m, f]) => ({ model: m, ...figures(f) })),
    };
  } finally {
    await held?.release();
  }
}

/** One page's new costs and the rollups moved with them, in one transaction. */
function applyPage(db: MeterDb, changes: readonly Change[]): Promise<void> {
  const ids = changes.map((c) => c.id);
  return inTransaction(db, async (tx) => {
    await removeFromUsageRollups(tx, ids);
    await writeCosts(tx, changes);
    await addToUsageRollups(tx, ids);
  });
}
