import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { readPerfMetrics, type PerfMetrics } from '@/lib/usage/perf-metrics';
import { normalizeUsage, type NormalizedUsage, type UsageShape } from '@/lib/usage/usage';
import { SseEventFramer } from './sse-framer';

// Chunks after the first are parsed only when they may carry usage or perf_metrics (the final ones).
const USAGE_OBJECT = /"(usage|perf_metrics)"\s*:\s*\{/;

/**
 * Watches an SSE response on its way to the client: learns the response id and the usage, and,
 * when Meter itself asked upstream for usage, removes the extra usage-only chunk the client
 * never asked for. Every other event is forwarded byte for byte, as soon as it is complete.
 */
export class StreamTap {
  usage: NormalizedUsage | undefined;
  rawUsage: unknown;
  responseId: string | undefined;
  perfMetrics: PerfMetrics | undefined;
  /**
   * The stream's end has been seen (`[DONE]`, Anthropic `message_stop`, or the usage-bearing
   * final chunk): a client that leaves now, as openai-node 7 does at `[DONE]`, had the whole call.
   */
  ended = false;

  private readonly framer = new SseEventFramer();
  private readonly parser: EventSourceParser;
  private readonly decoder = new TextDecoder();
  private lastEvent: EventSourceMessage | undefined;

  constructor(
    private readonly shape: UsageShape,
    private readonly dropUsageOnlyChunk: boolean,
  ) {
    this.parser = createParser({ onEvent: (event) => (this.lastEvent = event) });
  }

  /** Returns the bytes to forward now. */
  push(chunk: Uint8Array): Uint8Array[] {
    const forward: Uint8Array[] = [];
    for (const frame of this.framer.push(chunk)) {
      if (!frame.whole || this.inspect(frame.bytes)) forward.push(frame.bytes);
    }
    return forward;
  }

  end(): Uint8Array | null {
    const rest = this.framer.flush();
    if (rest) this.parser.feed(this.decoder.decode(rest));
    return rest;
  }

  /** False when the event must not reach the client. */
  private inspect(raw: Uint8Array): boolean {
    this.lastEvent = undefined;
    this.parser.feed(this.decoder.decode(raw));
    const data = (this.lastEvent as EventSourceMessage | undefined)?.data;
    if (data === '[DONE]') this.ended = true;
    if (!data || data[0] !== '{') return true;
    if (this.responseId !== undefined && !USAGE_OBJECT.test(data)) return true;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return true;
    }
    return this.shape === 'anthropic' ? this.inspectAnthropic(json) : this.inspectOpenAI(json);
  }

  private inspectOpenAI(json: Record<string, unknown>): boolean {
    if (typeof json.id === 'string') this.responseId ??= json.id;
    this.perfMetrics = readPerfMetrics(json.perf_metrics) ?? this.perfMetrics;
    if (json.usage && typeof json.usage === 'object') {
      this.takeUsage(json.usage);
      this.ended ||= this.usage !== undefined;
      const usageOnly = Array.isArray(json.choices) && json.choices.length === 0;
      if (usageOnly && this.dropUsageOnlyChunk) return false;
    }
    return true;
  }

  private inspectAnthropic(json: Record<string, unknown>): boolean {
    const message = json.message as { id?: unknown } | undefined;
    if (json.type === 'message_start' && typeof message?.id === 'string') this.responseId ??= message.id;
    // message_start carries zeros by design; only message_delta has the real counts
    if (json.type === 'message_delta') this.takeUsage(json.usage);
    if (json.type === 'message_stop') this.ended = true;
    return true;
  }

  private takeUsage(usage: unknown) {
    const normalized = normalizeUsage(this.shape, usage);
    if (normalized) {
      this.usage = normalized;
      this.rawUsage = usage;
    }
  }
}
