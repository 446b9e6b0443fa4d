import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readFireworksHeaders, type RateLimitHeaderUnit } from '@/lib/usage/headers';
import { readRequestFacts, recordedEndpoint, type RecordedEndpoint, type RequestFacts } from '@/lib/usage/request-facts';
import { readPerfMetrics } from '@/lib/usage/perf-metrics';
import { normalizeUsage } from '@/lib/usage/usage';
import { CLIENT_CLOSED_REQUEST, type CompletedCall } from './completed-call';
import { classifyUpstreamError, gatewayError, upstreamErrorCode } from './gateway-error';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';
import { StreamTap } from './stream-tap';
import { upstreamTarget } from './upstream-url';
import { answerAfterBody, BodyTooLargeError, declaresTooLarge, readBody } from '@/lib/http/body';
import { countedBody } from './counted-body';
import { decodedBody, isEncoded } from './decoded-body';
import { withIncludeUsage } from './json-splice';

export interface ProxyOptions {
  upstreamBase: URL;
  dispatcher: Dispatcher;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  rateLimitUnit: RateLimitHeaderUnit;
  /** Request bodies above this get 413. */
  maxBodyBytes: number;
  /** Aborted when Meter's shutdown grace runs out: calls still going are cut and recorded. */
  shutdown?: AbortSignal;
  /**
   * Called once per recorded call, before its response is ended: a client that has seen the end of
   * its response can rely on the call being in the journal.
   */
  onCompleted: (call: CompletedCall) => void;
}

const SHUTDOWN = Symbol('meter shutdown');

/** Non-streamed bodies are kept (to read `usage`) only up to this size; embeddings can be large. */
const MAX_COLLECTED_BYTES = 64 * 1024 * 1024;

type Body = Buffer | Readable | undefined;

interface PreparedRequest {
  body: Body;
  facts?: RequestFacts;
  dropUsageOnlyChunk: boolean;
}

export async function proxyRequest(req: IncomingMessage, res: ServerResponse, options: ProxyOptions): Promise<void> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const target = upstreamTarget(req.url ?? '', options.upstreamBase);
  if (!target) return sendGatewayError(res, 'bad_request_path', 'Path is not a Fireworks inference path.');

  if (declaresTooLarge(req, options.maxBodyBytes)) return refuseTooLarge(req, res, options.maxBodyBytes);

  const endpoint = recordedEndpoint(req.method, target.subpath);
  const abort = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) abort.abort();
  });
  const onShutdown = () => abort.abort(SHUTDOWN);
  options.shutdown?.addEventListener('abort', onShutdown, { once: true });
  res.once('close', () => options.shutdown?.removeEventListener('abort', onShutdown));
  const closedBy = () => (abort.signal.reason === SHUTDOWN ? 'meter_shutdown' : 'client_closed_request');

  let prepared: PreparedRequest;
  try {
    prepared = endpoint
      ? await prepareRecorded(req, endpoint, options.upstreamBase.host, options.maxBodyBytes)
      : { body: hasBody(req) ? countedBody(req, options.maxBodyBytes, abort) : undefined, dropUsageOnlyChunk: false };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return refuseTooLarge(req, res, options.maxBodyBytes);
    res.destroy(); // the client went away while sending its body
    return;
  }
  const { facts } = prepared;
  const call = (fields: Partial<CompletedCall> & Pick<CompletedCall, 'status'>) => {
    if (!facts) return;
    options.onCompleted({
      facts,
      startedAt,
      durationMs: Math.round(performance.now() - t0),
      ttftMs: null,
      errorCode: null,
      responseId: null,
      usage: undefined,
      rawUsage: undefined,
      headers: undefined,
      ...fields,
    });
  };

  const headerOverrides: Record<string, string | undefined> = {};
  if (Buffer.isBuffer(prepared.body)) {
    headerOverrides['content-length'] = String(prepared.body.length);
    headerOverrides['accept-encoding'] = 'identity'; // usage must be readable in the body
  }

  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await options.dispatcher.request<null>({
      origin: target.url.origin,
      path: target.url.pathname + target.url.search,
      method: (req.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req.headers, headerOverrides),
      body: prepared.body,
      signal: abort.signal,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError || abort.signal.reason instanceof BodyTooLargeError) return refuseTooLarge(req, res, options.maxBodyBytes);
    if (abort.signal.aborted) {
      if (abort.signal.reason === SHUTDOWN) res.destroy();
      return call({ status: CLIENT_CLOSED_REQUEST, errorCode: closedBy() });
    }
    const failure = classifyUpstreamError(error);
    sendGatewayError(res, failure, `Fireworks could not be reached: ${(error as Error).message}`);
    return call({ status: gatewayError(failure, '').status, errorCode: failure });
  }

  const headers = facts ? readFireworksHeaders(upstream.headers, options.rateLimitUnit) : undefined;
  const status = upstream.statusCode;
  const isEventStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
  const shape = endpoint === 'messages' ? 'anthropic' : 'openai';
  // Meter asks for an uncompressed body; an upstream that compresses anyway is passed on as it
  // came, and its body is decoded afterwards only to read it.
  const encoded = isEncoded(upstream.headers['content-encoding']);
  const tap = facts && isEventStream && !encoded ? new StreamTap(shape, prepared.dropUsageOnlyChunk) : undefined;
  const collected: Buffer[] = [];
  let collectedBytes = 0;
  let ttftMs: number | null = null;

  res.writeHead(status, clientResponseHeaders(upstream.headers, tap ? ['content-length'] : []));
  if (isEventStream) res.flushHeaders();
  // A recorded non-streamed body keeps its last chunk back until the call is journaled.
  let held: Buffer | undefined;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      ttftMs ??= Math.round(performance.now() - t0);
      if (tap) {
        for (const event of tap.push(chunk)) await write(res, event);
        continue;
      }
      if (!facts) {
        await write(res, chunk);
        continue;
      }
      if (collectedBytes < MAX_COLLECTED_BYTES) {
        collected.push(chunk);
        collectedBytes += chunk.length;
      }
      if (isEventStream) {
        await write(res, chunk); // a stream is never held back
        continue;
      }
      if (held) await write(res, held);
      held = chunk;
    }
  } catch (error) {
    const clientGone = abort.signal.aborted;
    res.destroy();
    // A client may stop reading once it has the end of the stream; that call is complete.
    if (tap?.ended) return call(completedFields());
    if (clientGone) return call({ status: CLIENT_CLOSED_REQUEST, errorCode: closedBy(), ttftMs, headers, responseId: tap?.responseId ?? null });
    const failure = classifyUpstreamError(error);
    return call({ status: gatewayError(failure, '').status, errorCode: failure, ttftMs, headers });
  }
  const last = tap ? tap.end() : held;
  if (facts) call(completedFields());
  res.end(last);

  function completedFields(): Partial<CompletedCall> & Pick<CompletedCall, 'status'> {
    if (tap) return { status, ttftMs, headers, usage: tap.usage, rawUsage: tap.rawUsage, responseId: tap.responseId ?? null, perfMetrics: tap.perfMetrics };
    const whole = collectedBytes < MAX_COLLECTED_BYTES ? Buffer.concat(collected) : Buffer.alloc(0);
    const body = encoded ? (decodedBody(whole, upstream.headers['content-encoding'], MAX_COLLECTED_BYTES) ?? Buffer.alloc(0)) : whole;
    if (isEventStream) {
      const reader = new StreamTap(shape, false);
      reader.push(body);
      reader.end();
      return { status, ttftMs, headers, usage: reader.usage, rawUsage: reader.rawUsage, responseId: reader.responseId ?? null, perfMetrics: reader.perfMetrics };
    }
    const text = body.toString('utf8');
    if (status >= 400) return { status, ttftMs, headers, errorCode: upstreamErrorCode(text) ?? String(status) };
    const json = parseJsonObject(text);
    return {
      status, ttftMs, headers, usage: normalizeUsage(shape, json?.usage), rawUsage: json?.usage,
      responseId: typeof json?.id === 'string' ? json.id : null, perfMetrics: readPerfMetrics(json?.perf_metrics),
    };
  }
}

async function prepareRecorded(req: IncomingMessage, endpoint: RecordedEndpoint, upstreamHost: string, maxBodyBytes: number): Promise<PreparedRequest> {
  const raw = await readBody(req, maxBodyBytes);
  const json = parseJsonObject(raw.toString('utf8'));
  const facts = readRequestFacts(endpoint, json ?? {}, req.headers, upstreamHost);
  if (!json || !needsUsageOptIn(endpoint, json)) return { body: raw, facts, dropUsageOnlyChunk: false };
  // Newer models report streaming usage only when asked; ask (in the original bytes), then hide
  // the extra chunk from the client.
  const body = withIncludeUsage(raw);
  return body ? { body, facts, dropUsageOnlyChunk: true } : { body: raw, facts, dropUsageOnlyChunk: false };
}

function needsUsageOptIn(endpoint: RecordedEndpoint, json: Record<string, unknown>): boolean {
  if (endpoint !== 'chat/completions' && endpoint !== 'completions') return false;
  if (json.stream !== true) return false;
  const options = json.stream_options;
  if (options === undefined || options === null) return true;
  return typeof options === 'object' && !Array.isArray(options) && (options as Record<string, unknown>).include_usage !== true;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

/** Writes with backpressure: waits for the client to drain, or for it to go away. */
async function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.destroyed) throw new Error('client closed');
  if (res.write(chunk)) return;
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

/** 413 in the OpenAI envelope, once the rest of the body has been dropped; the connection is then closed. */
function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  res.setHeader('connection', 'close');
  answerAfterBody(req, () => sendGatewayError(res, 'request_too_large', `Request body is larger than Meter's limit of ${limit} bytes (MAX_REQUEST_BODY_BYTES).`));
}

function sendGatewayError(res: ServerResponse, failure: Parameters<typeof gatewayError>[0], message: string) {
  const error = gatewayError(failure, message);
  if (res.headersSent || res.destroyed) return;
  res.writeHead(error.status, { 'content-type': 'application/json' });
  res.end(error.body);
}
