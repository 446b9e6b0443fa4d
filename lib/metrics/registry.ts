import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ExactDollars } from './dollars';

/**
 * Every metric /metrics shows, declared in one place. Names follow Prometheus (base units, `_total`
 * on counters, `_seconds` on durations) and OpenTelemetry's GenAI conventions where they have one
 * (`gen_ai_client_*`, with their attribute names as labels). No label takes a session, a user or an
 * API key; the model label is capped (labels.ts).
 */

/** What the recorder says about itself when scraped (lib/recorder/recorder.ts). */
export interface RecorderState {
  pending: number;
  replaying: boolean;
  failedAttempts: number;
  written: number;
  quarantined: number;
  /** null without a journal. */
  journalLagBytes: number | null;
}

// OpenTelemetry's advised boundaries for gen_ai.client.token.usage and gen_ai.client.operation.duration.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const OPERATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
const TTFB_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

const GEN_AI = ['gen_ai_operation_name', 'gen_ai_provider_name', 'gen_ai_request_model', 'serving_path'] as const;
const CALL = ['model', 'serving_path', 'endpoint'] as const;

/** A counter whose value is read from its source at each scrape (the source only ever grows). */
function counterFrom(registry: Registry, name: string, help: string, read: () => number | undefined): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      this.reset();
      if (value !== undefined) this.inc(value);
    },
  });
}

function gaugeFrom(registry: Registry, name: string, help: string, read: () => number | undefined): Gauge {
  return new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value !== undefined) this.set(value);
    },
  });
}

export function declareMetrics(registry: Registry, sources: { recorder: () => RecorderState | undefined; dollars: ExactDollars }) {
  const recorder = sources.recorder;
  return {
    calls: new Counter({
      name: 'meter_calls_total',
      help: 'Recorded inference calls, by model, serving path, endpoint and HTTP status (named codes, else their class).',
      labelNames: [...CALL, 'status_code'],
      registers: [registry],
    }),
    promptTokens: new Counter({
      name: 'meter_prompt_tokens_total',
      help: 'Prompt (input) tokens of recorded calls, cached ones included.',
      labelNames: CALL,
      registers: [registry],
    }),
    cachedPromptTokens: new Counter({
      name: 'meter_cached_prompt_tokens_total',
      help: 'Prompt tokens served from the prompt cache (a part of meter_prompt_tokens_total).',
      labelNames: CALL,
      registers: [registry],
    }),
    completionTokens: new Counter({
      name: 'meter_completion_tokens_total',
      help: 'Completion (output) tokens of recorded calls.',
      labelNames: CALL,
      registers: [registry],
    }),
    cost: new Counter({
      name: 'meter_cost_dollars_total',
      help: 'What priced calls cost, in US dollars, from the exact pico-dollar cost of each call. Calls without a price or usage are in meter_unpriced_calls_total instead.',
      labelNames: ['model', 'serving_path'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, dollars } of sources.dollars.totals()) this.inc(labels, dollars);
      },
    }),
    unpriced: new Counter({
      name: 'meter_unpriced_calls_total',
      help: 'Calls with no cost: no_price (usage known, no price row), no_usage (Fireworks answered without readable usage), no_response (no answer came: unreachable, cut or closed first), budget_refused (a blocking budget answered 402; never sent).',
      labelNames: ['model', 'serving_path', 'reason'],
      registers: [registry],
    }),
    tokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per call (OpenTelemetry gen_ai.client.token.usage): input includes cached tokens; embeddings have no output.',
      labelNames: [...GEN_AI, 'gen_ai_token_type'],
      buckets: TOKEN_BUCKETS,
      registers: [registry],
    }),
    operationDuration: new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Whole call as the client saw it through Meter, from its arrival to the end of the response (OpenTelemetry gen_ai.client.operation.duration); error_type is the HTTP status of a failed call.',
      labelNames: [...GEN_AI, 'error_type'],
      buckets: OPERATION_BUCKETS,
      registers: [registry],
    }),
    overhead: new Histogram({
      name: 'meter_proxy_overhead_seconds',
      help: "Meter's own time on a call that Fireworks answered: from the request body's arrival to the upstream dispatch, from Fireworks' response headers to the client's, reading the response, and pricing and journaling the call. Waiting for Fireworks or the client is not in it.",
      labelNames: ['endpoint', 'stream'],
      buckets: OVERHEAD_BUCKETS,
      registers: [registry],
    }),
    timeToFirstByte: new Histogram({
      name: 'meter_time_to_first_byte_seconds',
      help: "From a call's arrival to the first byte of Fireworks' response body (the first token of a stream).",
      labelNames: ['model', 'serving_path', 'stream'],
      buckets: TTFB_BUCKETS,
      registers: [registry],
    }),
    rateLimitLimit: new Gauge({
      name: 'meter_ratelimit_limit_tokens_per_minute',
      help: 'Latest X-Ratelimit-Limit-Tokens-* value Fireworks sent for the model, per minute (RATE_LIMIT_HEADER_UNIT); meter is prompt, uncached_prompt or generated. The last call wins, whatever its API key.',
      labelNames: ['model', 'meter'],
      registers: [registry],
    }),
    rateLimitRemaining: new Gauge({
      name: 'meter_ratelimit_remaining_tokens',
      help: 'Latest x-ratelimit-remaining-tokens-* value Fireworks sent for the model, in the same per-minute unit as the limit.',
      labelNames: ['model', 'meter'],
      registers: [registry],
    }),
    rateLimitUpdated: new Gauge({
      name: 'meter_ratelimit_updated_timestamp_seconds',
      help: 'When a call last brought rate-limit headers for the model (Unix time): older values are stale.',
      labelNames: ['model'],
      registers: [registry],
    }),
    dbWrite: new Histogram({
      name: 'meter_db_write_duration_seconds',
      help: 'One recorder batch written to the database (rows, rollups and the journal mark in one transaction); outcome ok or failed.',
      labelNames: ['outcome'],
      buckets: WRITE_BUCKETS,
      registers: [registry],
    }),
    labelOverflow: new Counter({
      name: 'meter_metrics_label_overflow_total',
      help: 'Observations whose label value was replaced by "other" because its cap was reached (METRICS_MODEL_LIMIT for model).',
      labelNames: ['label'],
      registers: [registry],
    }),
    queueDepth: gaugeFrom(registry, 'meter_recorder_queue_depth', 'Records held in memory for the database.', () => recorder()?.pending),
    journalLag: gaugeFrom(
      registry,
      'meter_journal_lag_bytes',
      'Bytes of the call journal after the last batch the database committed: calls journaled but not yet written (the queue plus any backlog).',
      () => recorder()?.journalLagBytes ?? undefined,
    ),
    replaying: gaugeFrom(registry, 'meter_recorder_replaying', '1 while journal lines wait to be read back into the database (start-up replay, or the queue overflowed).', () => {
      const state = recorder();
      return state && (state.replaying ? 1 : 0);
    }),
    failedWrites: gaugeFrom(registry, 'meter_recorder_consecutive_failed_writes', 'Database writes that failed in a row; 0 once one succeeds (/healthz is not ok from 3).', () => recorder()?.failedAttempts),
    written: counterFrom(registry, 'meter_recorder_records_written_total', 'Records the recorder added to the database since start.', () => recorder()?.written),
    quarantined: counterFrom(registry, 'meter_recorder_quarantined_records_total', 'Records the database refused for their content, set aside in the journal\'s .bad.jsonl file.', () => recorder()?.quarantined),
  };
}

export type MeterMetricSet = ReturnType<typeof declareMetrics>;
