import type { MeterDb } from '@/db/database';
import { CHANGES_REFRESH_MS, everyRefresh, tableVersion } from '@/lib/change-check';
import type { Refusal } from '@/lib/proxy/handler';
import type { RequestFacts } from '@/lib/usage/request-facts';
import type { Budget } from './budget-schema';
import type { DeliveryOptions } from './delivery';
import { forecastPeriodTotal, type Forecast } from './forecast';
import { FOLLOW_AT_MOST_MS, followCalls, readCounted, type Counted } from './new-calls';
import { defaultChannels, deliverDue, raiseEvent, raisedIds } from './outbox';
import { budgetEventBody } from './payload';
import { budgetPeriod } from './period';
import { BudgetIndex, blockedResponse, type CallDimensions } from './scope';
import { budgetFilters, dailyHistory, spendInRange } from './spend';
import { BUDGETS_TABLE, listBudgets } from './store';
import { eventsToFire } from './thresholds';
import { runWatches } from './watches';

export const BUDGET_EXCEEDED = 'budget_exceeded';

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

const dimensions = (facts: RequestFacts): CallDimensions => ({
  team: facts.team ?? null, project: facts.project ?? null, environment: facts.environment ?? null, apiKey: facts.apiKey, model: facts.model, servingPath: facts.servingPath,
});

/**
 * Budgets at run time: each budget's spend this period in memory (so the proxy can refuse a call
 * without reading the database), kept current from the calls committed by any replica, checked
 * against the thresholds after each look, and alerts delivered from the outbox in the background.
 *
 * Reading everything (load) and counting new calls (follow) run one at a time, in the order asked:
 * a follow counts from where the previous load or follow stopped, so every call counts once.
 */
export class BudgetMonitor {
  private readonly index = new BudgetIndex();
  private budgets: Budget[] = [];
  /** Per budget object: a load makes new ones, so a changed scope or amount is forecast afresh. */
  private forecasts = new WeakMap<Budget, Forecast>();
  private raised = new Set<string>();
  private timers: { stop(): void }[] = [];
  private delivering = false;
  private stopped = false;
  private readonly log: (message: string) => void;
  /** Where counting stands (see new-calls.ts); undefined until the first load. */
  private counted: Counted | undefined;
  /** The budgets table's change counter as the last load read it. */
  private version: string | undefined;
  /** The loads and follows asked for, run one after another. */
  private queue: Promise<void> = Promise.resolve();
  /** A follow asked for and not begun: a second ask joins it (it will read their calls too). */
  private waitingFollow: Promise<void> | undefined;
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly db: MeterDb,
    private readonly options: MonitorOptions,
  ) {
    this.log = options.log ?? console.log;
  }

  /** Budgets and their spend read, thresholds not checked: before the server listens (alerts wait for start(), their links need its address). */
  load(): Promise<void> {
    return this.inTurn(() => this.readAll());
  }

  /** Budgets and their spend read again, then the thresholds checked: a budget created or lowered past one alerts now. */
  reload(): Promise<void> {
    return this.inTurn(async () => {
      await this.readAll();
      await this.check();
    });
  }

  /** Counts the calls committed since the last look, by this replica or any other sharing the database, then checks the thresholds. */
  follow(): Promise<void> {
    this.waitingFollow ??= this.inTurn(async () => {
      this.waitingFollow = undefined;
      await this.countNewCalls();
    });
    return this.waitingFollow;
  }

  /** Each second's look at the database: budgets changed anywhere are read again, else new calls are counted. */
  followReplicas(): Promise<void> {
    return this.inTurn(async () => {
      if (this.counted !== undefined && (await tableVersion(this.db, BUDGETS_TABLE)) === this.version) return this.countNewCalls();
      await this.readAll();
      await this.check();
    });
  }

  /** The proxy's question before each call: a 402 reply when a `block` budget covering it is used up. */
  refuse = (facts: RequestFacts, at: Date): Refusal | null => {
    const budget = this.index.blockingBudget(dimensions(facts), at);
    if (!budget) return null;
    return { ...blockedResponse(budget, at), errorCode: BUDGET_EXCEEDED, budgetId: budget.id };
  };

  /** The recorder's report of a committed batch: its calls (and any another replica committed) count at once. */
  onWritten = (): void => {
    if (this.stopped) return; // the recorder's last batches at shutdown: the database is about to close
    this.follow().catch((error: unknown) => this.failed('counting new calls', error));
  };

  private inTurn(task: () => Promise<void>): Promise<void> {
    const turn = this.queue.then(task);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * Budgets and their spend this period (and in the period just closed, near its end), read in one
   * moment of the database together with the point counting stands at, whatever other replicas
   * commit meanwhile.
   */
  private async readAll(): Promise<void> {
    const now = new Date(this.options.now());
    const { result, counted } = await readCounted(this.db, async (tx) => {
      const budgets = await listBudgets(tx, this.log);
      const version = await tableVersion(tx, BUDGETS_TABLE);
      const spend = new Map<number, bigint>();
      const closed = new Map<number, bigint>();
      for (const b of budgets) {
        const period = budgetPeriod(b.period, b.timeZone, now);
        spend.set(b.id, await spendInRange(tx, b, period));
        if (now.getTime() - period.start.getTime() < LATE_CALLS_MS) closed.set(b.id, await spendInRange(tx, b, budgetPeriod(b.period, b.timeZone, new Date(period.start.getTime() - 1))));
      }
      return { budgets, version, spend, closed, raised: await raisedIds(tx, now.getTime() - 40 * 86_400_000) };
    });
    this.budgets = result.budgets;
    this.version = result.version;
    this.counted = counted;
    this.index.setBudgets(this.budgets, result.spend, now, result.closed);
    this.raised = result.raised;
  }

  private async countNewCalls(): Promise<void> {
    if (!this.budgets.length || this.counted === undefined) return;
    if (this.counted.engine === 'pg' && Date.now() - this.counted.takenAt > FOLLOW_AT_MOST_MS) {
      await this.readAll();
      return this.check();
    }
    let priced = false;
    await followCalls(this.db, this.counted, (calls, counted) => {
      for (const call of calls) {
        if (!call.costTotalPico) continue;
        this.index.addSpend(call, call.costTotalPico, new Date(call.startedAt));
        priced = true;
      }
      this.counted = counted;
    });
    if (priced) await this.check();
  }

  /** The live state of every budget (or one), forecasts included. */
  async state(id?: number) {
    const now = new Date(this.options.now());
    const out = [];
    for (const s of this.index.spend(now)) {
      if (id === undefined || s.budget.id === id) out.push({ ...s, forecast: await this.forecast(s.budget, s.spentPico, now) });
    }
    return out;
  }

  /**
   * Raises the threshold, exceeded and forecast events now due, each once per budget, amount and
   * period; the period just closed too, as calls that began in it are committed after its end.
   */
  async check(): Promise<void> {
    const now = new Date(this.options.now());
    const current = this.index.spend(now).map((s) => ({ ...s, forecast: this.forecasts.get(s.budget) }));
    const closed = this.index.closedRecently(now, LATE_CALLS_MS).map((s) => ({ ...s, forecast: undefined }));
    for (const { budget, period, spentPico, forecast } of [...closed, ...current]) {
      // The first hour's spend stretched over a month is noise: only a forecast from recent days' spend alerts.
      const forecastPico = forecast?.fromHistory ? forecast.forecastPico : null;
      const events = eventsToFire({ budget, period, spentPico, forecastPico, fired: this.raised, now });
      if (!events.length) continue;
      const channels = budget.channels.length ? budget.channels : await defaultChannels(this.db);
      for (const event of events) {
        this.raised.add(event.id);
        // deliveries are scheduled on the system clock, which the outbox worker reads
        await raiseEvent(this.db, budgetEventBody(event, budget, this.options.baseUrl()), budget.id, channels, Date.now());
      }
    }
    if (this.budgets.length) this.deliverSoon();
  }

  private async forecast(budget: Budget, spentPico: bigint, now: Date): Promise<Forecast> {
    const cached = this.forecasts.get(budget);
    if (cached) return cached;
    const period = budgetPeriod(budget.period, budget.timeZone, now);
    const history = await dailyHistory(this.db, budgetFilters(budget, period), now);
    const forecast = forecastPeriodTotal({ spentSoFarPico: spentPico, periodStart: period.start, periodEnd: period.end, now, dailyHistory: history, timeZone: budget.timeZone });
    this.forecasts.set(budget, forecast);
    return forecast;
  }

  private async refreshForecasts(): Promise<void> {
    this.forecasts = new WeakMap();
    const now = new Date(this.options.now());
    for (const s of this.index.spend(now)) await this.forecast(s.budget, s.spentPico, now);
    await this.check();
  }

  /** The watches beyond money (spend anomalies, cache drops, headroom, unpriced models, refusals). */
  async watch(): Promise<void> {
    try {
      if ((await runWatches(this.db, this.options.now(), this.options.baseUrl())) > 0) this.deliverSoon();
    } catch (error) {
      this.failed('a watch', error);
    }
  }

  /**
   * Delivers in a turn of its own: begun inside a look, its first statements would run on SQLite's
   * one connection while the next look's read transaction is open, and fall into it.
   */
  private deliverSoon(): void {
    this.track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver()));
  }

  async deliver(): Promise<void> {
    if (this.delivering) return;
    this.delivering = true;
    try {
      while ((await deliverDue(this.db, this.options.delivery, Date.now())) > 0 && this.timers.length) {
        // keep going while whole pages were due
      }
    } catch (error) {
      this.failed('delivering alerts', error);
    } finally {
      this.delivering = false;
    }
  }

  /** A background task's failure (a locked database, say) is logged, never thrown: the next tick tries again. Silent once stopped. */
  private failed(what: string, error: unknown): void {
    if (!this.stopped) this.log(`budgets: ${what} failed (${String(error)}); trying again later`);
  }

  /** Work started in the background, which stop() waits for before the database may close. */
  private track(work: Promise<unknown>): void {
    this.background.add(work);
    const done = () => this.background.delete(work);
    work.then(done, done);
  }

  /** Timers for the background work, each run one at a time and none keeping the process alive. */
  start(): void {
    this.stopped = false;
    const every = (ms: number, what: string, task: () => Promise<void>) => {
      const run = () => {
        const work = task();
        this.track(work);
        return work;
      };
      this.timers.push(everyRefresh(run, (message) => this.failed(what, message), ms));
    };
    every(this.options.resyncMs ?? 5 * 60_000, 'reading spend again', () => this.reload());
    every(this.options.followMs ?? CHANGES_REFRESH_MS, 'following other replicas', () => this.followReplicas());
    every(this.options.forecastMs ?? 60_000, 'forecasting', () => this.refreshForecasts());
    every(this.options.deliverMs ?? 1000, 'delivering alerts', () => this.deliver());
    every(this.options.watchMs ?? 60_000, 'watching', () => this.watch());
    const first = (async () => {
      if (this.counted === undefined) await this.load();
      await this.refreshForecasts();
    })();
    this.track(first.catch((error: unknown) => this.failed('forecasting', error)));
  }

  /** Stops the timers and waits for the work under way, so the database can be closed after. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) t.stop();
    this.timers = [];
    await Promise.allSettled([this.queue, ...this.background]);
  }
}
