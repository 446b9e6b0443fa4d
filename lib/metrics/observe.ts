import { collectDefaultMetrics, Registry } from 'prom-client';
import type { CompletedCall } from '@/lib/proxy/completed-call';
import type { Pricing } from '@/lib/pricing/price-book';
import { ExactDollars } from './dollars';
import { CappedLabel, operationName, statusLabel } from './labels';
import { declareMetrics, type MeterMetricSet, type RecorderState } from './registry';

export interface MetricsOptions {
  /** Model ids of the price catalog: each keeps its own label value. */
  catalogModels: Iterable<string>;
  /** Other model names that get their own label value before the rest share "other". */
  modelLimit: number;
  /** Read at each scrape. */
  recorder?: () => RecorderState | undefined;
  /** Node's process metrics (process_*, nodejs_*); off in tests that make many registries. */
  processMetrics?: boolean;
}

const PROVIDER = 'fireworks';
const RATE_LIMIT_METERS = [
  ['prompt', 'limitPromptTpm', 'remainingPromptTokens'],
  ['uncached_prompt', 'limitUncachedPromptTpm', 'remainingUncachedPromptTokens'],
  ['generated', 'limitGeneratedTpm', 'remainingGeneratedTokens'],
] as const;

/**
 * The hooks the proxy and the recorder call, and the registry /metrics reads. A completed call is
 * only queued here: its series move after the response has ended (or at the next scrape), so no
 * proxied call waits on a metric.
 */
export class MeterMetrics {
  readonly registry = new Registry();
  private readonly metrics: MeterMetricSet;
  private readonly dollars = new ExactDollars();
  private readonly models: CappedLabel;
  private pending: { call: CompletedCall; pricing: Pricing; recordMs: number }[] = [];
  private scheduled = false;
  private overflowSeen = 0;

  constructor(options: MetricsOptions) {
    this.models = new CappedLabel(new Set(options.catalogModels), options.modelLimit);
    this.metrics = declareMetrics(this.registry, { recorder: options.recorder ?? (() => undefined), dollars: this.dollars });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * From the proxy's onCompleted, after the call is recorded (`recordMs`: what pricing and
   * journaling it took, part of Meter's overhead): never throws, never waits.
   */
  callCompleted(call: CompletedCall, pricing: Pricing, recordMs = 0): void {
    this.pending.push({ call, pricing, recordMs });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** From the recorder, once per batch written or refused. */
  batchWritten(seconds: number, ok: boolean): void {
    this.metrics.dbWrite.observe({ outcome: ok ? 'ok' : 'failed' }, seconds);
  }

  /** Applies queued calls now (a scrape does, so it sees every call that has ended). */
  flush(): void {
    this.scheduled = false;
    const calls = this.pending;
    this.pending = [];
    for (const { call, pricing, recordMs } of calls) {
      try {
        this.observe(call, pricing, recordMs);
      } catch (error) {
        console.error('metrics: could not observe a call', error);
      }
    }
    if (this.models.overflowed > this.overflowSeen) {
      this.metrics.labelOverflow.inc({ label: 'model' }, this.models.overflowed - this.overflowSeen);
      this.overflowSeen = this.models.overflowed;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    this.flush();
    return this.registry.metrics();
  }

  private observe(call: CompletedCall, pricing: Pricing, recordMs: number): void {
    const m = this.metrics;
    const { facts, usage, headers } = call;
    const model = this.models.value(facts.model);
    const servingPath = facts.servingPath;
    const endpoint = facts.endpoint;
    const stream = String(facts.stream);
    const labels = { model, serving_path: servingPath, endpoint };
    const genAi = { gen_ai_operation_name: operationName(endpoint), gen_ai_provider_name: PROVIDER, gen_ai_request_model: model, serving_path: servingPath };

    m.calls.inc({ ...labels, status_code: statusLabel(call.status) });
    m.operationDuration.observe({ ...genAi, error_type: call.status >= 400 ? statusLabel(call.status) : '' }, call.durationMs / 1000);
    if (call.ttftMs !== null) m.timeToFirstByte.observe({ model, serving_path: servingPath, stream }, call.ttftMs / 1000);
    if (call.overheadMs !== undefined) m.overhead.observe({ endpoint, stream }, (call.overheadMs + recordMs) / 1000);

    if (usage) {
      m.promptTokens.inc(labels, usage.promptTokens);
      m.cachedPromptTokens.inc(labels, usage.cachedPromptTokens);
      m.completionTokens.inc(labels, usage.completionTokens);
      m.tokenUsage.observe({ ...genAi, gen_ai_token_type: 'input' }, usage.promptTokens);
      if (endpoint !== 'embeddings') m.tokenUsage.observe({ ...genAi, gen_ai_token_type: 'output' }, usage.completionTokens);
    }

    if (pricing.cost) this.dollars.add({ model, serving_path: servingPath }, pricing.cost.totalPico);
    else m.unpriced.inc({ model, serving_path: servingPath, reason: unpricedReason(call) });

    if (headers) {
      let seen = false;
      for (const [meter, limitKey, remainingKey] of RATE_LIMIT_METERS) {
        const limit = headers[limitKey];
        const remaining = headers[remainingKey];
        if (limit !== null) m.rateLimitLimit.set({ model, meter }, limit);
        if (remaining !== null) m.rateLimitRemaining.set({ model, meter }, remaining);
        seen ||= limit !== null || remaining !== null;
      }
      if (seen) m.rateLimitUpdated.set({ model }, (call.startedAt + call.durationMs) / 1000);
    }
  }
}

function unpricedReason(call: CompletedCall): string {
  if (call.budgetId !== undefined) return 'budget_refused';
  if (call.usage) return 'no_price';
  return call.headers ? 'no_usage' : 'no_response';
}
