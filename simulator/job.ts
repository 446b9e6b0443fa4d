import type { Recorder } from './recorder';
import { SseWriter } from './sse';
import type { Rng } from './rng';
import type { Completion, Segment } from './tokens';

/** What an endpoint needs from a request body before the simulator can serve it. */
export type ParsedRequest = { segments: Segment[]; maxTokens?: number; stream: boolean } | { error: string };

/** One admitted request, with its token accounting already settled. */
export interface Job {
  requestId: string;
  /** Unix seconds. */
  created: number;
  model: string;
  body: Record<string, unknown>;
  promptTokens: number;
  cachedTokens: number;
  completion: Completion;
  /** Seconds, modelled from prompt and output size rather than measured. */
  ttft: number;
  processingTime: number;
  /** x-request-id, server, date and rate-limit headers. */
  headers: Record<string, string>;
  rec: Recorder;
  delayMs: number;
  /** Pause after the last event before the body ends (a real server's keep-alive lag). */
  pauseBeforeEndMs: number;
  /** Present when SSE writes should be split at random points. */
  splitRng?: Rng;
}

export interface Endpoint {
  /** Anthropic-compatible endpoints report post-routing errors in Anthropic's envelope. */
  dialect: 'openai' | 'anthropic';
  /** Defaults to true. */
  promptCache?: boolean;
  parse(body: Record<string, unknown>): ParsedRequest;
  respond(job: Job, stream: boolean): Promise<void>;
}

export const seconds = (s: number): string => String(Math.round(s * 1000) / 1000);

/** Per-request perf headers sent on non-streaming success. */
export function perfHeaders(job: Job): Record<string, string> {
  return {
    'fireworks-prompt-tokens': String(job.promptTokens),
    'fireworks-cached-prompt-tokens': String(job.cachedTokens),
    'fireworks-server-time-to-first-token': seconds(job.ttft),
    'fireworks-server-processing-time': seconds(job.processingTime),
  };
}

/** Sends stream headers (of the perf headers only TTFT can precede the body) and returns the writer. */
export function startStream(job: Job): SseWriter {
  job.rec.head(200, { ...job.headers, 'fireworks-server-time-to-first-token': seconds(job.ttft), 'content-type': 'text/event-stream' });
  return new SseWriter(job.rec, job.delayMs, job.splitRng, job.pauseBeforeEndMs);
}

export function openaiUsage(job: Job) {
  return {
    prompt_tokens: job.promptTokens,
    total_tokens: job.promptTokens + job.completion.tokens,
    completion_tokens: job.completion.tokens,
    prompt_tokens_details: { cached_tokens: job.cachedTokens },
  };
}

/** `perf_metrics` body field, only when the request asked for it. */
export function perfMetrics(job: Job): Record<string, unknown> {
  if (job.body['perf_metrics_in_response'] !== true) return {};
  return {
    perf_metrics: {
      'prompt-tokens': job.promptTokens,
      'cached-prompt-tokens': job.cachedTokens,
      'server-time-to-first-token': Math.round(job.ttft * 1000) / 1000,
      'server-processing-time': Math.round(job.processingTime * 1000) / 1000,
    },
  };
}

/** Groups generated pieces into 1–3 tokens per streamed delta. */
export function deltas(job: Job): string[] {
  const out: string[] = [];
  const { pieces } = job.completion;
  for (let i = 0; i < pieces.length; ) {
    const n = 1 + ((i * 7 + pieces.length) % 3);
    out.push(pieces.slice(i, i + n).join(''));
    i += n;
  }
  return out;
}

export const positiveInt = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
