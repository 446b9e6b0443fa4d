import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readFireworksHeaders, type RateLimitHeaderUnit } from '@/lib/usage/headers';
import { readRequestFacts, recordedEndpoint, type RecordedEndpoint, type RequestFacts } from '@/lib/usage/request-facts';
import { CLIENT_CLOSED_REQUEST, type CompletedCall } from './completed-call';
import { classifyUpstreamError, gatewayError } from './gateway-error';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers';
import { parseJsonObject, ResponseReader } from './response-reader';
import { upstreamTarget } from './upstream-url';
import { answerAfterBody, BodyTooLargeError, declaresTooLarge, readBody } from '@/lib/http/body';
import { countedBody } from './counted-body';
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
  /**
   * Asked before a recorded call goes upstream: a reply here (a budget used up) is sent instead,
   * and the call recorded with it. Must not touch the database: it runs on every call.
   */
  refuse?: (facts: RequestFacts, at: Date) => Refusal | null;
  /** The clock calls are stamped with (lib/clock.ts). */
  now?: () => number;
}

/** A reply Meter gives itself instead of calling Fireworks. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
  errorCode: string;
  budgetId: number;
}

const SHUTDOWN = Symbol('meter shutdown');

type Body = Buffer | Readable | undefined;

interface PreparedRequest {
  body: Body;
  facts?: RequestFacts;
  dropUsageOnlyChunk: boolean;
  /** performance.now() once a recorded call's body was read: Meter's own time starts there. */
  bodyReadAt?: number;
}

/** Meter's own time on a call (CompletedCall.overheadMs), added up as the call goes. */
interface OwnTime {
  /** performance.now() when Fireworks' response headers arrived; unset until they do. */
  headersAt?: number;
  ms: number;
}

export async function proxyRequest(req: IncomingMessage, res: ServerResponse, options: ProxyOptions): Promise<void> {
  const startedAt = options.now?.() ?? Date.now();
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
  const own: OwnTime = { ms: 0 };
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
      overheadMs: own.headersAt === undefined ? undefined : own.ms,
      ...fields,
    });
  };

  const refusal = facts && options.refuse?.(facts, new Date(startedAt));
  if (refusal) {
    res.writeHead(refusal.status, { ...refusal.headers, 'content-length': Buffer.byteLength(refusal.body) });
    call({ status: refusal.status, errorCode: refusal.errorCode, budgetId: refusal.budgetId });
    res.end(refusal.body);
    return;
  }

  const headerOverrides: Record<string, string | undefined> = {};
  if (Buffer.isBuffer(prepared.body)) {
    headerOverrides['content-length'] = String(prepared.body.length);
    headerOverrides['accept-encoding'] = 'identity'; // usage must be readable in the body
  }

  let upstream: Dispatcher.ResponseData;
  const dispatchedAt = performance.now();
  own.ms = dispatchedAt - (prepared.bodyReadAt ?? dispatchedAt);
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

  own.headersAt = performance.now();
  const headers = facts ? readFireworksHeaders(upstream.headers, options.rateLimitUnit) : undefined;
  const status = upstream.statusCode;
  const reader = facts ? new ResponseReader(endpoint === 'messages' ? 'anthropic' : 'openai', upstream.headers, prepared.dropUsageOnlyChunk) : undefined;
  let ttftMs: number | null = null;
  const completed = () => {
    const reading = performance.now();
    const fields = reader!.fields(status);
    own.ms += performance.now() - reading;
    call({ status, ttftMs, headers, ...fields });
  };

  res.writeHead(status, clientResponseHeaders(upstream.headers, reader?.rewrites ? ['content-length'] : []));
  if (String(upstream.headers['content-type'] ?? '').includes('text/event-stream')) res.flushHeaders();
  own.ms += performance.now() - own.headersAt;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      const arrived = performance.now();
      ttftMs ??= Math.round(arrived - t0);
      const out = reader ? reader.push(chunk) : [chunk];
      own.ms += performance.now() - arrived;
      for (const bytes of out) await write(res, bytes);
    }
  } catch (error) {
    const clientGone = abort.signal.aborted;
    res.destroy();
    // A client may stop reading once it has the end of the stream; that call is complete.
    if (reader?.ended) return completed();
    if (clientGone) return call({ status: CLIENT_CLOSED_REQUEST, errorCode: closedBy(), ttftMs, headers, responseId: reader?.responseId ?? null });
    const failure = classifyUpstreamError(error);
    return call({ status: gatewayError(failure, '').status, errorCode: failure, ttftMs, headers });
  }
  const ending = performance.now();
  const last = reader?.end();
  own.ms += performance.now() - ending;
  if (reader) completed();
  res.end(last);
}

async function prepareRecorded(req: IncomingMessage, endpoint: RecordedEndpoint, upstreamHost: string, maxBodyBytes: number): Promise<PreparedRequest> {
  const raw = await readBody(req, maxBodyBytes);
  const bodyReadAt = performance.now();
  const json = parseJsonObject(raw.toString('utf8'));
  const facts = readRequestFacts(endpoint, json ?? {}, req.headers, upstreamHost);
  if (!json || !needsUsageOptIn(endpoint, json)) return { body: raw, facts, dropUsageOnlyChunk: false, bodyReadAt };
  // Newer models report streaming usage only when asked; ask (in the original bytes), then hide
  // the extra chunk from the client.
  const body = withIncludeUsage(raw);
  return { body: body ?? raw, facts, dropUsageOnlyChunk: body !== undefined, bodyReadAt };
}

function needsUsageOptIn(endpoint: RecordedEndpoint, json: Record<string, unknown>): boolean {
  if (endpoint !== 'chat/completions' && endpoint !== 'completions') return false;
  if (json.stream !== true) return false;
  const options = json.stream_options;
  if (options === undefined || options === null) return true;
  return typeof options === 'object' && !Array.isArray(options) && (options as Record<string, unknown>).include_usage !== true;
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
