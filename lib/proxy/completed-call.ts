import type { FireworksHeaderFacts } from '@/lib/usage/headers';
import type { RequestFacts } from '@/lib/usage/request-facts';
import type { PerfMetrics } from '@/lib/usage/perf-metrics';
import type { NormalizedUsage } from '@/lib/usage/usage';

/** Everything the proxy learned about one recorded call, handed to the recorder once it ends. */
export interface CompletedCall {
  facts: RequestFacts;
  startedAt: number;
  durationMs: number;
  ttftMs: number | null;
  status: number;
  errorCode: string | null;
  responseId: string | null;
  usage: NormalizedUsage | undefined;
  rawUsage: unknown;
  headers: FireworksHeaderFacts | undefined;
  perfMetrics?: PerfMetrics;
  /** The budget that refused the call before it reached Fireworks (status 402). */
  budgetId?: number;
  /**
   * Meter's own time on the call, fractional ms, when Fireworks answered: from the body's arrival to
   * the upstream dispatch, from Fireworks' response headers to ours, and reading the chunks.
   */
  overheadMs?: number;
}

/** Client closed the connection before the response was complete (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;
