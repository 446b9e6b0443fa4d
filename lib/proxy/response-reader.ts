import type { IncomingHttpHeaders } from 'node:http';
import type { CompletedCall } from './completed-call';
import { decodedBody, isEncoded } from './decoded-body';
import { upstreamErrorCode } from './gateway-error';
import { StreamTap } from './stream-tap';
import { readPerfMetrics } from '@/lib/usage/perf-metrics';
import { normalizeUsage, type UsageShape } from '@/lib/usage/usage';

/** Non-streamed bodies are kept (to read `usage`) only up to this size; embeddings can be large. */
const MAX_COLLECTED_BYTES = 64 * 1024 * 1024;

export type ReadFields = Pick<CompletedCall, 'usage' | 'rawUsage' | 'responseId' | 'perfMetrics'> & { errorCode?: string };

/**
 * Reads a recorded call's response on its way to the client and says what to forward when. An
 * uncompressed event stream goes through the tap, event by event. Anything else is collected
 * (bounded) to be read at the end: a compressed body (Meter asks for identity; one that comes
 * compressed anyway is passed on as it came and decoded only to read it), and a plain body, whose
 * last chunk is held back so the call is journaled before the client sees the end.
 */
export class ResponseReader {
  private readonly tap: StreamTap | undefined;
  private readonly collected: Buffer[] = [];
  private collectedBytes = 0;
  private held: Buffer | undefined;
  private readonly isEventStream: boolean;
  private readonly encoding: string | string[] | undefined;

  constructor(
    private readonly shape: UsageShape,
    headers: IncomingHttpHeaders,
    dropUsageOnlyChunk: boolean,
  ) {
    this.isEventStream = String(headers['content-type'] ?? '').includes('text/event-stream');
    this.encoding = headers['content-encoding'];
    this.tap = this.isEventStream && !isEncoded(this.encoding) ? new StreamTap(shape, dropUsageOnlyChunk) : undefined;
  }

  /** The tap may change the length (it can drop a chunk), so the client gets no Content-Length then. */
  get rewrites(): boolean {
    return this.tap !== undefined;
  }

  /** The end of the stream has been seen: a client leaving now had the whole call. */
  get ended(): boolean {
    return this.tap?.ended ?? false;
  }

  get responseId(): string | null {
    return this.tap?.responseId ?? null;
  }

  /** Bytes to forward now. */
  push(chunk: Buffer): Uint8Array[] {
    if (this.tap) return this.tap.push(chunk);
    if (this.collectedBytes < MAX_COLLECTED_BYTES) {
      this.collected.push(chunk);
      this.collectedBytes += chunk.length;
    }
    if (this.isEventStream) return [chunk]; // a stream is never held back
    const previous = this.held;
    this.held = chunk;
    return previous ? [previous] : [];
  }

  /** The last bytes, to send with the end of the response once the call is recorded. */
  end(): Uint8Array | null {
    if (this.tap) return this.tap.end();
    return this.held ?? null;
  }

  /** What the response said: usage, id, perf_metrics, or the error code of a failed call. */
  fields(status: number): ReadFields {
    const tap = this.tap ?? this.readCollectedStream();
    if (tap) return { usage: tap.usage, rawUsage: tap.rawUsage, responseId: tap.responseId ?? null, perfMetrics: tap.perfMetrics };
    const text = this.collectedBody().toString('utf8');
    if (status >= 400) return { usage: undefined, rawUsage: undefined, responseId: null, errorCode: upstreamErrorCode(text) ?? String(status) };
    const json = parseJsonObject(text);
    return {
      usage: normalizeUsage(this.shape, json?.usage),
      rawUsage: json?.usage,
      responseId: typeof json?.id === 'string' ? json.id : null,
      perfMetrics: readPerfMetrics(json?.perf_metrics),
    };
  }

  private collectedBody(): Buffer {
    const whole = this.collectedBytes < MAX_COLLECTED_BYTES ? Buffer.concat(this.collected) : Buffer.alloc(0);
    return isEncoded(this.encoding) ? (decodedBody(whole, this.encoding, MAX_COLLECTED_BYTES) ?? Buffer.alloc(0)) : whole;
  }

  private readCollectedStream(): StreamTap | undefined {
    if (!this.isEventStream) return undefined;
    const reader = new StreamTap(this.shape, false);
    reader.push(this.collectedBody());
    reader.end();
    return reader;
  }
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
