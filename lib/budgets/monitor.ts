import type Database from 'better-sqlite3';
import type { Db } from '@/db/client';
import { CHANGES_REFRESH_MS, ChangeCheck, tableVersion } from '@/lib/change-check';
import type { NewRequestRow } from '@/db/schema';
import type { Refusal } from '@/lib/proxy/handler';
import type { RequestFacts } from '@/lib/usage/request-facts';
import type { Budget } from './budget-schema';
import type { DeliveryOptions } from './delivery';
import { forecastPeriodTotal, type Forecast } from './forecast';
import { defaultChannels, deliverDue, raiseEvent, raisedIds } from './outbox';
import { budgetEventBody } from './payload';
import { budgetPeriod } from './period';
import { BudgetIndex, blockedResponse, type CallDimensions } from './scope';
import { budgetFilters, dailyHistory, spendInRange } from './spend';
import { BUDGETS_TABLE, listBudgets } from './store';
import { eventsToFire } from './thresholds';
import { runWatches } from './watches';

export const BUDGET_EXCEEDED = 'budget_exceeded';

/** Calls read per query while following the database (a replica catching up after a pause reads several). */
const FOLLOW_PAGE = 5000;

type FollowedCall = Pick<NewRequestRow, 'team' | 'project' | 'environment' | 'apiKey' | 'model' | 'servingPath'> & { id: number; startedAt: number; costTotalPico: number | null };

/** How long after a period ends its late-committed calls are still checked against its thresholds. */
const LATE_CALLS_MS = 15 * 60_000;

export interface MonitorOptions {
  now: () => number;
  /** The dashboard's address, for the links in alerts. */
  baseUrl: () => string;
  delivery: DeliveryOptions;
  log?: (message: string) => void;
  /** How often spend is read again from the rollups (re-pricing); new calls add to it in between. */
  resyncMs?: number;
  /** How often calls other replicas committed, and budget changes made on them, are read. */
  followMs?: number;
  /** How often forecasts are recomputed (each reads four weeks of daily spend per budget). */
  forecastMs?: number;
  deliverMs?: number;
  watchMs?: number;
}

const dimensions = (row: Pick<NewRequestRow, 'team' | 'project' | 'environment' | 'apiKey' | 'model' | 'servingPath'>): CallDimensions => ({
  team: row.team ?? null, project: row.project ?? null, environment: row.environment ?? null, apiKey: row.apiKey, model: row.model, servingPath: row.servingPath,
});

/**
 * Budgets at run time: each budget's spend this period in memory (so the proxy can refuse a call
 * without reading the database), kept current from the rows the recorder commits, checked against
 * the thresholds after each batch, and alerts delivered from the outbox in the background.
 */
export class BudgetMonitor {
  private readonly index = new BudgetIndex();
  private budgets: Budget[] = [];
  private readonly forecasts = new Map<number, Forecast>();
  private raised = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private delivering = false;
  private readonly log: (message: string) => void;
  /** The newest request row counted: calls after it are read from the database, whichever replica wrote them. */
  private counted = 0;
  private readonly changes: ChangeCheck;
  private readonly newCalls: Database.Statement;

  constructor(
    private readonly db: Db,
    private readonly options: MonitorOptions,
  ) {
    this.log = options.log ?? console.log;
    this.changes = new ChangeCheck(() => `${tableVersion(db, BUDGETS_TABLE)}`, 0);
    this.changes.changed(true);
    this.newCalls = db.$client.prepare(
      `SELECT id, started_at AS startedAt, cost_total_pico AS costTotalPico, team, project, environment, api_key AS apiKey, model, serving_path AS servingPath
       FROM requests WHERE id > ? ORDER BY id LIMIT ${FOLLOW_PAGE}`,
    );
    this.load(); // alerts wait for start(): their links need the address the server listens on
  }

  /** Budgets and their spend read again, then the thresholds checked: a budget created or lowered past one alerts now. */
  reload(): void {
    this.load();
    this.check();
  }

  /**
   * Budgets and their spend this period (and in the period just closed, near its end), from the
   * database. Synchronous, so no committed batch falls between the read and the state.
   */
  private load(): void {
    const now = new Date(this.options.now());
    const spend = new Map<number, bigint>();
    const closed = new Map<number, bigint>();
    // one read transaction: the spend and the newest row counted in it are of the same moment, whatever other replicas commit meanwhile
    this.db.$client.transaction(() => {
      this.budgets = listBudgets(this.db, this.log);
      this.counted = (this.db.$client.prepare('SELECT coalesce(max(id), 0) AS id FROM requests').get() as { id: number }).id;
      for (const b of this.budgets) {
        const period = budgetPeriod(b.period, b.timeZone, now);
        spend.set(b.id, spendInRange(this.db, b, period));
        if (now.getTime() - period.start.getTime() < LATE_CALLS_MS) closed.set(b.id, spendInRange(this.db, b, budgetPeriod(b.period, b.timeZone, new Date(period.start.getTime() - 1))));
      }
    })();
    this.index.setBudgets(this.budgets, spend, now, closed);
    this.raised = raisedIds(this.db, now.getTime() - 40 * 86_400_000);
    this.forecasts.clear(); // an edited scope or amount makes the old forecast wrong; the next refresh makes new ones
  }

  /** The proxy's question before each call: a 402 reply when a `block` budget covering it is used up. */
  refuse = (facts: RequestFacts, at: Date): Refusal | null => {
    const budget = this.index.blockingBudget(dimensions(facts), at);
    if (!budget) return null;
    return { ...blockedResponse(budget, at), errorCode: BUDGET_EXCEEDED, budgetId: budget.id };
  };

  /** The recorder's report of a committed batch: its calls (and any another replica committed) count at once. */
  onWritten = (): void => {
    this.follow();
  };

  /**
   * Counts the calls committed since the last look, by this replica or any other sharing the
   * database, then checks the thresholds. Row ids grow in commit order (one writer at a time), so
   * "after the newest counted" is every call not yet counted, each once.
   */
  follow(): void {
    if (!this.budgets.length) return;
    let priced = false;
    let page: FollowedCall[];
    do {
      page = this.newCalls.all(this.counted) as FollowedCall[];
      for (const row of page) {
        this.counted = row.id;
        if (row.costTotalPico === null || row.costTotalPico === 0) continue;
        this.index.addSpend(dimensions(row), BigInt(row.costTotalPico), new Date(row.startedAt));
        priced = true;
      }
    } while (page.length === FOLLOW_PAGE);
    if (priced) this.check();
  }

  /** Each second's look at the database: budgets changed anywhere are read again, else new calls are counted. */
  followReplicas(): void {
    if (this.changes.changed(true)) this.reload();
    else this.follow();
  }

  /** The live state of every budget, forecasts included. */
  state(id?: number) {
    const now = new Date(this.options.now());
    return this.index.spend(now).filter((s) => id === undefined || s.budget.id === id).map((s) => ({ ...s, forecast: this.forecast(s.budget, s.spentPico, now) }));
  }

  /**
   * Raises the threshold, exceeded and forecast events now due, each once per budget, amount and
   * period; the period just closed too, as calls that began in it are committed after its end.
   */
  check(): void {
    const now = new Date(this.options.now());
    const current = this.index.spend(now).map((s) => ({ ...s, forecast: this.forecasts.get(s.budget.id) }));
    const closed = this.index.closedRecently(now, LATE_CALLS_MS).map((s) => ({ ...s, forecast: undefined }));
    for (const { budget, period, spentPico, forecast } of [...closed, ...current]) {
      // The first hour's spend stretched over a month is noise: only a forecast from recent days' spend alerts.
      const forecastPico = forecast?.fromHistory ? forecast.forecastPico : null;
      const events = eventsToFire({ budget, period, spentPico, forecastPico, fired: this.raised, now });
      if (!events.length) continue;
      const channels = budget.channels.length ? budget.channels : defaultChannels(this.db);
      for (const event of events) {
        this.raised.add(event.id);
        // deliveries are scheduled on the system clock, which the outbox worker reads
        raiseEvent(this.db, budgetEventBody(event, budget, this.options.baseUrl()), budget.id, channels, Date.now());
      }
    }
    if (this.budgets.length) void this.deliver();
  }

  private forecast(budget: Budget, spentPico: bigint, now: Date): Forecast {
    const cached = this.forecasts.get(budget.id);
    if (cached) return cached;
    const period = budgetPeriod(budget.period, budget.timeZone, now);
    const forecast = forecastPeriodTotal({ spentSoFarPico: spentPico, periodStart: period.start, periodEnd: period.end, now, dailyHistory: dailyHistory(this.db, budgetFilters(budget, period), now), timeZone: budget.timeZone });
    this.forecasts.set(budget.id, forecast);
    return forecast;
  }

  private refreshForecasts(): void {
    this.forecasts.clear();
    const now = new Date(this.options.now());
    for (const s of this.index.spend(now)) this.forecast(s.budget, s.spentPico, now);
    this.check();
  }

  /** A timer's work: a failure (a locked database, say) is logged and tried again at the next tick, never thrown. */
  private guarded(what: string, run: () => void): () => void {
    return () => {
      try {
        run();
      } catch (error) {
        if (this.db.$client.open) this.log(`budgets: ${what} failed (${String(error)}); trying again later`);
      }
    };
  }

  /** The watches beyond money (spend anomalies, cache drops, headroom, unpriced models, refusals). */
  watch(): void {
    try {
      if (runWatches(this.db, this.options.now(), this.options.baseUrl()) > 0) void this.deliver();
    } catch (error) {
      if (this.db.$client.open) this.log(`watches: a check failed (${String(error)})`);
    }
  }

  async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while ((await deliverDue(this.db, this.options.delivery, Date.now())) > 0 && this.timers.length) {
        // keep going while whole pages were due
      }
    } catch (error) {
      if (this.db.$client.open) this.log(`budgets: delivering alerts failed (${String(error)}); retrying`);
    } finally {
      this.delivering = false;
    }
  }

  start(): void {
    const every = (ms: number, run: () => void) => {
      const t = setInterval(run, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.options.resyncMs ?? 5 * 60_000, this.guarded('reading spend again', () => this.reload()));
    every(this.options.followMs ?? CHANGES_REFRESH_MS, this.guarded('following other replicas', () => this.followReplicas()));
    every(this.options.forecastMs ?? 60_000, this.guarded('forecasting', () => this.refreshForecasts()));
    every(this.options.deliverMs ?? 1000, () => void this.deliver());
    every(this.options.watchMs ?? 60_000, () => this.watch());
    this.guarded('forecasting', () => this.refreshForecasts())();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }
}
