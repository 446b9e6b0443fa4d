import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messages } from './anthropic';
import { PromptCache } from './cache';
import { embeddings } from './embeddings';
import { anthropicError, fireworksError, SIMULATED_STATUS, type ErrorKind } from './errors';
import type { Endpoint, Job } from './job';
import { isFastRouter, isKnownModel, modelList } from './models';
import { chatCompletions, completions } from './openai';
import { RateLimiter, STARTING_LIMITS, type Meters, type RateLimitUnit } from './ratelimit';
import { Recorder, SentLog, type SentResponse } from './recorder';
import { createRng, hash32, randInt } from './rng';
import { planCompletion, tokenize } from './tokens';

export type { SentResponse } from './recorder';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Unit of the x-ratelimit-* headers; the spec leaves it unconfirmed. Default 'tpm'. */
  rateLimitHeaderUnit?: RateLimitUnit;
  /** Delay between SSE events. Default 0. */
  chunkDelayMs?: number;
  /** Pause between a stream's last event ([DONE], message_stop) and the end of its body. Default 0. */
  pauseBeforeEndMs?: number;
  /** Write SSE bytes in random pieces that cut events and UTF-8 characters. Default true. */
  randomSplits?: boolean;
  seed?: number;
  /** Starting adaptive limits in tokens per minute; defaults to the documented 3.6M / 900k / 36k. */
  startingLimits?: Meters;
  /**
   * Spot (model ids ending `-spot`, spec §11) is best effort: this share of Spot calls finds
   * capacity, the rest answer 503. Default 1. Spot's 429 and 503 carry Retry-After.
   */
  spotCapacity?: number;
  /** Retry-After on Spot refusals, in seconds. Default 2. */
  spotRetryAfterS?: number;
}

export interface Simulator {
  /** Base URL for OpenAI-style clients, e.g. http://127.0.0.1:PORT/inference/v1 */
  url: string;
  origin: string;
  /** Exact status, headers and body bytes written for a request (last 5000 kept). */
  sent(requestId: string): SentResponse | undefined;
  readonly requests: number;
  close(): Promise<void>;
}

const PREFIX = '/inference/v1';
const ENDPOINTS: Record<string, Endpoint> = {
  'POST /chat/completions': chatCompletions,
  'POST /completions': completions,
  'POST /embeddings': embeddings,
  'POST /messages': messages,
};
/** Without session affinity a request lands on one of this many replicas, each with its own cache. */
const REPLICAS = 4;
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 1;
  const routingRng = createRng(seed);
  const spotRng = createRng(seed ^ 0x5907);
  const log = new SentLog(5000);
  const cache = new PromptCache();
  const limiter = new RateLimiter(opts.rateLimitHeaderUnit ?? 'tpm', opts.startingLimits ?? STARTING_LIMITS);
  let requests = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const index = requests++;
    const requestId = randomUUID();
    const rec = new Recorder(res, requestId, log);
    const base: Record<string, string> = { 'x-request-id': requestId, server: 'istio-envoy', date: new Date().toUTCString() };
    const reply = (kind: ErrorKind, extra: Record<string, string> = {}, message?: string, anthropic = false) => {
      const { status, body } = anthropic ? anthropicError(kind, message) : fireworksError(kind, message, requestId);
      rec.json(status, { ...base, ...extra }, body);
    };

    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const route = path.startsWith(`${PREFIX}/`) ? `${req.method} ${path.slice(PREFIX.length)}` : '';
    const endpoint = ENDPOINTS[route];
    if (!endpoint && route !== 'GET /models') return reply('path_not_found', {}, `Not Found: ${req.method} ${path}`);

    const apiKey = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!apiKey || apiKey === 'bad-key') return reply('unauthorized');
    if (!endpoint) return rec.json(200, base, modelList());

    const raw = await readBody(req);
    if (raw === undefined) return reply('bad_request', {}, 'Request body too large');
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return reply('bad_request', {}, 'Request body is not a valid JSON object');
    }
    const model = body['model'];
    if (!isKnownModel(model)) return reply('model_not_found');

    // Past this point the request is routed: the Anthropic route answers in its own error shape.
    const anthropic = endpoint.dialect === 'anthropic';
    const request = endpoint.parse(body);
    if ('error' in request) return reply('bad_request', {}, request.error, anthropic);

    const forced = SIMULATED_STATUS[String(req.headers['x-simulate-status'] ?? '')];
    const spot = model.endsWith('-spot');
    const retryAfter: Record<string, string> = spot ? { 'retry-after': String(opts.spotRetryAfterS ?? 2) } : {};
    if (forced === 'rate_limited' || (!forced && !limiter.allows(apiKey, model))) {
      return reply('rate_limited', { ...limiter.headers(apiKey, model), ...retryAfter }, undefined, anthropic);
    }
    if (forced) return reply(forced, forced === 'overloaded' ? retryAfter : {}, undefined, anthropic);
    if (spot && spotRng() >= (opts.spotCapacity ?? 1)) return reply('overloaded', retryAfter, undefined, anthropic);

    const tokens = tokenize(request.segments);
    const cachedTokens = endpoint.promptCache === false ? 0 : cache.lookupAndStore(cacheStore(req, body, apiKey, model), tokens, maxCacheLen(body));
    const completion = planCompletion(tokens, request.maxTokens);
    limiter.record(apiKey, model, { prompt: tokens.length, uncached: tokens.length - cachedTokens, generated: completion.tokens });

    const headerDelay = Number(req.headers['x-simulate-delay-ms']);
    const delayMs = Number.isFinite(headerDelay) && headerDelay >= 0 ? Math.min(headerDelay, 60_000) : undefined;
    // Prefill at ~20k tok/s after a fixed queueing cost; decode at ~80 tok/s, ~250 on Fast routers.
    const ttft = 0.04 + (tokens.length - cachedTokens) / 20_000;
    const job: Job = {
      requestId,
      created: Math.floor(Date.now() / 1000),
      model,
      body,
      promptTokens: tokens.length,
      cachedTokens,
      completion,
      ttft,
      processingTime: ttft + completion.tokens / (isFastRouter(model) ? 250 : 80),
      headers: { ...base, ...limiter.headers(apiKey, model) },
      rec,
      delayMs: delayMs ?? opts.chunkDelayMs ?? 0,
      pauseBeforeEndMs: opts.pauseBeforeEndMs ?? 0,
      splitRng: opts.randomSplits === false ? undefined : createRng(seed ^ hash32(`split:${index}`)),
    };
    if (!request.stream && delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    await endpoint.respond(job, request.stream);
  }

  /** Affinity picks the replica; without it the request lands on a random one of REPLICAS. */
  function cacheStore(req: IncomingMessage, body: Record<string, unknown>, apiKey: string, model: string): string {
    const header = req.headers['x-session-affinity'];
    const affinity = [typeof header === 'string' ? header : undefined, body['prompt_cache_key'], body['user']].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    const isolation = req.headers['x-prompt-cache-isolation-key'] ?? body['prompt_cache_isolation_key'] ?? '';
    // Serverless keeps separate caches per account; the API key stands in for the account.
    return [apiKey, String(isolation), model, affinity ? `s:${affinity}` : `r:${randInt(routingRng, 0, REPLICAS - 1)}`].join('\u0000');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json', server: 'istio-envoy' });
        res.end(JSON.stringify(fireworksError('internal').body));
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  return {
    url: `${origin}${PREFIX}`,
    origin,
    sent: (requestId) => log.get(requestId),
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function maxCacheLen(body: Record<string, unknown>): number | undefined {
  const v = body['prompt_cache_max_len'];
  return typeof v === 'number' && v >= 0 ? Math.floor(v) : undefined;
}

/** The whole request body, or undefined past MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
