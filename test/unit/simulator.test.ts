import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { PromptCache } from '../../simulator/cache';
import { RateLimiter } from '../../simulator/ratelimit';
import { startSimulator, type Simulator } from '../../simulator/server';
import { runTraffic } from '../../simulator/traffic';

const KIMI = 'accounts/fireworks/models/kimi-k3';
const GLM = 'accounts/fireworks/models/glm-5p2';
const AUTH = { authorization: 'Bearer fw_test_key' };
const LONG_SYSTEM = `You are a careful assistant. ${'Follow the house style guide → café rules. '.repeat(40)}`;

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ seed: 11 });
});
after(() => sim.close());

async function post(path: string, body: unknown, headers: Record<string, string> = AUTH) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { res, text: await res.text() };
}

/** `data:` payloads of an SSE body, JSON-parsed except the final [DONE]. */
function sseData(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((event) => {
      const data = event.split('\n').find((l) => l.startsWith('data: '))?.slice(6) ?? '';
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

type Chunk = { choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[]; usage?: unknown };

const chat = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'How do fireworks get their colours?' }],
  ...extra,
});

describe('non-streaming chat', () => {
  test('body shape, key order and headers follow the spec', async () => {
    const { res, text } = await post('/chat/completions', chat(GLM));
    assert.equal(res.status, 200);
    const body = JSON.parse(text);
    assert.deepEqual(Object.keys(body), ['id', 'object', 'created', 'model', 'choices', 'usage']);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, GLM);
    assert.deepEqual(Object.keys(body.choices[0]), ['index', 'message', 'finish_reason', 'logprobs']);
    assert.equal(body.choices[0].message.role, 'assistant');
    assert.deepEqual(Object.keys(body.usage), ['prompt_tokens', 'total_tokens', 'completion_tokens', 'prompt_tokens_details']);
    // "How do fireworks get their colours?" is 35 bytes: ceil(35/4) + 4 framing tokens.
    assert.equal(body.usage.prompt_tokens, 13);
    assert.ok(body.usage.completion_tokens >= 8 && body.usage.completion_tokens <= 64);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.deepEqual(body.usage.prompt_tokens_details, { cached_tokens: 0 });

    const h = res.headers;
    assert.match(h.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(h.get('server'), 'istio-envoy');
    assert.equal(h.get('fireworks-prompt-tokens'), '13');
    assert.equal(h.get('fireworks-cached-prompt-tokens'), '0');
    assert.match(h.get('fireworks-server-time-to-first-token') ?? '', /^\d+(\.\d+)?$/);
    assert.match(h.get('fireworks-server-processing-time') ?? '', /^\d+(\.\d+)?$/);
    assert.equal(h.get('x-ratelimit-limit-tokens-prompt'), '3600000');
    assert.equal(h.get('x-ratelimit-limit-tokens-cache-adjusted-prompt'), '900000');
    assert.equal(h.get('x-ratelimit-limit-tokens-generated'), '36000');
    assert.equal(Number(h.get('x-ratelimit-remaining-tokens-generated')), 36000 - body.usage.completion_tokens);
    assert.equal(h.get('x-ratelimit-over-limit'), 'no');
  });

  test('same prompt gives the same reply; max_tokens truncates with finish_reason length', async () => {
    const a = JSON.parse((await post('/chat/completions', chat(GLM))).text);
    const b = JSON.parse((await post('/chat/completions', chat(GLM, { max_tokens: 3 }))).text);
    assert.equal(b.usage.completion_tokens, 3);
    assert.equal(b.choices[0].finish_reason, 'length');
    assert.ok(a.choices[0].message.content.startsWith(b.choices[0].message.content));
  });

  test('perf_metrics only when asked for', async () => {
    const body = JSON.parse((await post('/chat/completions', chat(GLM, { perf_metrics_in_response: true }))).text);
    assert.deepEqual(Object.keys(body.perf_metrics), ['prompt-tokens', 'cached-prompt-tokens', 'server-time-to-first-token', 'server-processing-time']);
  });

  test('completions endpoint', async () => {
    const { res, text } = await post('/completions', { model: GLM, prompt: 'Once upon a time', max_tokens: 5 });
    assert.equal(res.status, 200);
    const body = JSON.parse(text);
    assert.equal(body.object, 'text_completion');
    assert.equal(typeof body.choices[0].text, 'string');
    assert.equal(body.usage.completion_tokens, 5);
  });

  test('tps unit divides the limit headers by 60', async () => {
    const tps = await startSimulator({ rateLimitHeaderUnit: 'tps' });
    try {
      const res = await fetch(`${tps.url}/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify(chat(GLM)) });
      assert.equal(res.headers.get('x-ratelimit-limit-tokens-prompt'), '60000');
      assert.equal(res.headers.get('x-ratelimit-limit-tokens-generated'), '600');
    } finally {
      await tps.close();
    }
  });
});

describe('streaming usage shapes', () => {
  async function stream(model: string, includeUsage: boolean) {
    const { res, text } = await post('/chat/completions', chat(model, { stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) }));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.ok(res.headers.get('fireworks-server-time-to-first-token'));
    assert.equal(res.headers.get('fireworks-prompt-tokens'), null);
    assert.ok(res.headers.get('x-ratelimit-limit-tokens-generated'));
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const events = sseData(text);
    const chunks = events.slice(0, -1) as Chunk[];
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    return chunks;
  }
  const finishIndex = (chunks: Chunk[]) => chunks.findIndex((c) => c.choices[0]?.finish_reason);

  test('documented shape (glm): usage null on early chunks, usage on the finish chunk', async () => {
    const chunks = await stream(GLM, false);
    const fin = finishIndex(chunks);
    assert.equal(fin, chunks.length - 1);
    chunks.slice(0, fin).forEach((c) => assert.equal(c.usage, null));
    assert.equal((chunks[fin]?.usage as { prompt_tokens: number }).prompt_tokens, 13);
  });

  test('documented shape with include_usage also adds the empty-choices usage chunk', async () => {
    const chunks = await stream(GLM, true);
    const fin = finishIndex(chunks);
    assert.equal(fin, chunks.length - 2);
    assert.ok(chunks[fin]?.usage);
    const last = chunks.at(-1) as Chunk;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, chunks[fin]?.usage);
  });

  test('opt-in shape (kimi) without include_usage carries no usage at all', async () => {
    const chunks = await stream(KIMI, false);
    assert.ok(chunks.every((c) => !('usage' in c)));
    assert.ok(chunks.every((c) => c.choices.length === 1));
  });

  test('opt-in shape (kimi) with include_usage: usage only in the final empty-choices chunk', async () => {
    const chunks = await stream(KIMI, true);
    const last = chunks.at(-1) as Chunk & { object: string };
    assert.deepEqual(Object.keys(last), ['id', 'object', 'created', 'model', 'choices', 'usage']);
    assert.equal(last.object, 'chat.completion.chunk');
    assert.deepEqual(last.choices, []);
    chunks.slice(0, -1).forEach((c) => assert.ok(!('usage' in c)));
  });

  test('openai SDK streams through random byte splits and sees usage', async () => {
    const client = new OpenAI({ apiKey: 'fw_test_key', baseURL: sim.url, maxRetries: 0 });
    const plain = await client.chat.completions.create(chat(KIMI) as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const s = await client.chat.completions.create({ ...(chat(KIMI) as OpenAI.ChatCompletionCreateParamsNonStreaming), stream: true, stream_options: { include_usage: true } });
    let content = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of s) {
      content += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    assert.equal(content, plain.choices[0]?.message.content);
    assert.deepEqual(usage, plain.usage);
  });

  test('random splits cut events and UTF-8 characters on the wire', async () => {
    let cutEvent = false;
    let cutChar = false;
    for (let i = 0; i < 5 && !(cutEvent && cutChar); i++) {
      const pieces = await rawPieces(chat(GLM, { stream: true, messages: [{ role: 'user', content: `split test ${i}` }] }), { 'x-simulate-delay-ms': '2' });
      for (const p of pieces.slice(0, -1)) {
        if (!p.toString('latin1').endsWith('\n\n')) cutEvent = true;
        if (p.toString('utf8').includes('\uFFFD')) cutChar = true;
      }
    }
    assert.ok(cutEvent, 'some piece ended inside an event');
    assert.ok(cutChar, 'some piece ended inside a multi-byte character');
  });
});

/** Body pieces exactly as a raw http client received them. */
function rawPieces(body: unknown, headers: Record<string, string> = {}): Promise<Buffer[]> {
  return rawRequest(body, headers).then((r) => r.pieces);
}

function rawRequest(body: unknown, headers: Record<string, string> = {}, path = '/chat/completions') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; pieces: Buffer[] }>((resolve, reject) => {
    const req = request(`${sim.url}${path}`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', ...headers } }, (res) => {
      const pieces: Buffer[] = [];
      res.on('data', (b: Buffer) => pieces.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, pieces }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('prompt cache', () => {
  const conversation = (turns: number) => [
    { role: 'system', content: LONG_SYSTEM },
    ...Array.from({ length: turns }, (_, i) => ({ role: 'user', content: `question number ${i}` })),
  ];

  test('second request with the same affinity reuses the shared prefix', async () => {
    const headers = { ...AUTH, 'x-session-affinity': 'cache-test-1' };
    const first = JSON.parse((await post('/chat/completions', { model: GLM, messages: conversation(1) }, headers)).text);
    assert.equal(first.usage.prompt_tokens_details.cached_tokens, 0);
    const { res, text } = await post('/chat/completions', { model: GLM, messages: conversation(2) }, headers);
    const second = JSON.parse(text);
    const cached = second.usage.prompt_tokens_details.cached_tokens;
    assert.ok(cached > 400, `cached ${cached}`);
    assert.equal(cached % 16, 0);
    assert.ok(cached <= first.usage.prompt_tokens);
    assert.equal(res.headers.get('fireworks-cached-prompt-tokens'), String(cached));
  });

  test('prompt_cache_max_len 0 disables caching; other accounts do not share the cache', async () => {
    const headers = { ...AUTH, 'x-session-affinity': 'cache-test-2' };
    await post('/chat/completions', { model: GLM, messages: conversation(1) }, headers);
    const off = JSON.parse((await post('/chat/completions', { model: GLM, messages: conversation(1), prompt_cache_max_len: 0 }, headers)).text);
    assert.equal(off.usage.prompt_tokens_details.cached_tokens, 0);
    const other = JSON.parse((await post('/chat/completions', { model: GLM, messages: conversation(1) }, { authorization: 'Bearer other', 'x-session-affinity': 'cache-test-2' })).text);
    assert.equal(other.usage.prompt_tokens_details.cached_tokens, 0);
  });

  test('cached tokens round down to 16 and stay below the prompt length', () => {
    const cache = new PromptCache();
    const tokens = Array.from({ length: 40 }, (_, i) => `t${i}`);
    assert.equal(cache.lookupAndStore('k', tokens), 0);
    assert.equal(cache.lookupAndStore('k', tokens), 32);
    assert.equal(cache.lookupAndStore('k', tokens.slice(0, 32)), 16);
    assert.equal(cache.lookupAndStore('k', [...tokens.slice(0, 20), 'x', ...tokens.slice(21)]), 16);
    assert.equal(cache.lookupAndStore('other', tokens), 0);
  });
});

describe('errors', () => {
  test('401 for a missing or bad key', async () => {
    const expected = { error: { message: 'The API key you provided is invalid.', code: 'UNAUTHORIZED', type: 'error' } };
    for (const headers of [{}, { authorization: 'Bearer bad-key' }] as Record<string, string>[]) {
      const { res, text } = await post('/chat/completions', chat(GLM), headers);
      assert.equal(res.status, 401);
      assert.deepEqual(JSON.parse(text), expected);
      assert.ok(res.headers.get('x-request-id'));
    }
  });

  test('404 for unknown models, also on the Anthropic route; 404 for unknown paths', async () => {
    const expected = { error: { message: 'Model not found, inaccessible, and/or not deployed', param: 'model', code: 'NOT_FOUND' } };
    for (const model of ['accounts/fireworks/models/missing-model', 'gpt-4o', 'accounts/other/models/x']) {
      const { res, text } = await post('/chat/completions', chat(model));
      assert.equal(res.status, 404);
      assert.equal(text, JSON.stringify(expected));
    }
    const anth = await post('/messages', { model: 'accounts/fireworks/routers/missing-fast', max_tokens: 5, messages: [] });
    assert.equal(anth.text, JSON.stringify(expected));
    const path = await post('/messages/count_tokens', {});
    assert.equal(path.res.status, 404);
    assert.equal(JSON.parse(path.text).error.code, 'NOT_FOUND');
  });

  test('forced 429 / 503 / 500 use the spec bodies; 429 carries rate-limit headers', async () => {
    const r429 = await post('/chat/completions', chat(GLM), { ...AUTH, 'x-simulate-status': '429' });
    assert.equal(r429.res.status, 429);
    assert.equal(r429.text, '{"object":"error","type":"invalid_request_error","code":"invalid_request_error","message":"rate limit exceeded, please try again later"}');
    assert.ok(r429.res.headers.get('x-ratelimit-remaining-tokens-generated'));
    assert.ok(r429.res.headers.get('x-ratelimit-over-limit'));
    const r503 = await post('/chat/completions', chat(GLM), { ...AUTH, 'x-simulate-status': '503' });
    assert.equal(r503.res.status, 503);
    assert.equal(r503.text, '{"error":{"object":"error","type":"service_unavailable","code":503,"message":"Service Overloaded"}}');
    const r500 = await post('/chat/completions', chat(GLM), { ...AUTH, 'x-simulate-status': '500' });
    assert.equal(r500.res.status, 500);
    const anth = await post('/messages', { model: GLM, max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, { ...AUTH, 'x-simulate-status': '503' });
    assert.deepEqual(JSON.parse(anth.text), { type: 'error', error: { type: 'overloaded_error', message: 'Service Overloaded' } });
  });

  test('bad JSON is a 400 invalid_request_error, and the server keeps serving', async () => {
    const { res, text } = await post('/chat/completions', '{"model":');
    assert.equal(res.status, 400);
    const body = JSON.parse(text);
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'invalid_request_error');
    assert.equal((await post('/chat/completions', chat(GLM))).res.status, 200);
  });

  test('429 once generated tokens in the last minute reach the adaptive limit', async () => {
    const small = await startSimulator({ startingLimits: { prompt: 1e6, uncached: 1e6, generated: 20 } });
    try {
      const send = () => fetch(`${small.url}/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify(chat(GLM)) });
      assert.equal((await send()).status, 200);
      const limited = await send();
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('x-ratelimit-remaining-tokens-generated'), '0');
      assert.equal(limited.headers.get('x-ratelimit-over-limit'), 'yes');
      // Fast routers have their own bucket.
      const fast = await fetch(`${small.url}/chat/completions`, { method: 'POST', headers: AUTH, body: JSON.stringify(chat('accounts/fireworks/routers/glm-5p2-fast')) });
      assert.equal(fast.status, 200);
    } finally {
      await small.close();
    }
  });
});

describe('rate limiter', () => {
  test('limits grow with load and shrink when idle; remaining tracks the trailing minute', () => {
    let now = 0;
    const rl = new RateLimiter('tpm', undefined, undefined, () => now);
    const generated = (kind: 'limit' | 'remaining') => rl.headers('k', 'm')[`x-ratelimit-${kind}-tokens-generated`];
    rl.record('k', 'm', { prompt: 10, uncached: 10, generated: 20_000 });
    assert.equal(generated('remaining'), '16000');
    now = 10_000;
    assert.equal(generated('limit'), '54000');
    now = 65_000;
    assert.equal(generated('remaining'), '54000');
    now = 71_000;
    assert.equal(generated('limit'), '36000');
    assert.equal(rl.headers('other', 'm')['x-ratelimit-limit-tokens-generated'], '36000');
  });
});

describe('anthropic messages via @anthropic-ai/sdk', () => {
  const client = () => new Anthropic({ authToken: 'fw_test_key', apiKey: null, baseURL: `${sim.origin}/inference`, maxRetries: 0 });
  const params = (turns: number): Anthropic.MessageCreateParamsNonStreaming => ({
    model: KIMI,
    max_tokens: 100,
    system: LONG_SYSTEM,
    messages: Array.from({ length: turns }, (_, i) => ({ role: 'user' as const, content: `step ${i}` })),
  });

  test('non-stream: input_tokens excludes cached tokens', async () => {
    const c = client();
    const headers = { 'x-session-affinity': 'anthropic-1' };
    const first = await c.messages.create(params(1), { headers });
    assert.equal(first.type, 'message');
    assert.equal(first.content[0]?.type, 'text');
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.equal(first.usage.cache_creation_input_tokens, 0);
    const second = await c.messages.create(params(2), { headers });
    const cached = second.usage.cache_read_input_tokens ?? 0;
    assert.ok(cached > 0);
    // "step 0" and "step 1" are 6 bytes each: 2 + 4 tokens per message, plus the system prompt.
    assert.equal(second.usage.input_tokens + cached, first.usage.input_tokens + 6);
  });

  test('stream: SDK assembles the message and usage from message_delta', async () => {
    const c = client();
    const plain = await c.messages.create(params(3));
    const stream = c.messages.stream(params(3));
    const events: string[] = [];
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, plain.content);
    assert.equal(final.usage.output_tokens, plain.usage.output_tokens);
    assert.equal(final.usage.input_tokens + (final.usage.cache_read_input_tokens ?? 0), plain.usage.input_tokens + (plain.usage.cache_read_input_tokens ?? 0));
    assert.equal(events[0], 'message_start');
    assert.equal(events.filter((e) => e === 'message_delta').length, 1);
    assert.deepEqual(events.slice(-2), ['message_delta', 'message_stop']);
  });

  test('message_start usage is zero on the wire', async () => {
    const { text } = await post('/messages', { ...params(1), stream: true });
    const start = sseData(text)[0] as { message: { usage: Record<string, number> } };
    assert.deepEqual(start.message.usage, { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
    assert.ok(text.startsWith('event: message_start\ndata: '));
  });

  test('missing max_tokens is a 400 in the Anthropic shape', async () => {
    const { res, text } = await post('/messages', { model: KIMI, messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 400);
    assert.equal(text, '{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens is required and must be > 0"}}');
  });
});

describe('other routes', () => {
  test('embeddings through the openai SDK (float and default base64)', async () => {
    const client = new OpenAI({ apiKey: 'fw_test_key', baseURL: sim.url, maxRetries: 0 });
    const float = await client.embeddings.create({ model: 'nomic-ai/nomic-embed-text-v1.5', input: ['alpha', 'beta'], encoding_format: 'float' });
    assert.equal(float.data.length, 2);
    assert.equal(float.data[0]?.embedding.length, 8);
    // 'alpha' is 2 tokens + 4, 'beta' 1 + 4.
    assert.deepEqual(float.usage, { prompt_tokens: 11, total_tokens: 11 });
    const b64 = await client.embeddings.create({ model: 'fireworks/qwen3-embedding-8b', input: 'alpha' });
    assert.ok(Math.abs((b64.data[0]?.embedding[0] ?? 0) - (float.data[0]?.embedding[0] ?? 9)) < 1e-6);
  });

  test('GET /models lists models', async () => {
    const res = await fetch(`${sim.url}/models`, { headers: AUTH });
    const body = (await res.json()) as { object: string; data: { id: string }[] };
    assert.equal(body.object, 'list');
    assert.ok(body.data.some((m) => m.id === KIMI));
  });
});

describe('sent()', () => {
  test('records exactly the bytes a raw client received (stream and non-stream)', async () => {
    for (const body of [chat(GLM, { stream: true, stream_options: { include_usage: true } }), chat(KIMI)]) {
      const got = await rawRequest(body, { 'x-simulate-delay-ms': '1' });
      const id = got.headers['x-request-id'] as string;
      const sent = sim.sent(id);
      assert.ok(sent);
      assert.equal(sent.requestId, id);
      assert.equal(sent.status, got.status);
      assert.ok(Buffer.concat(got.pieces).equals(sent.body));
      for (const [name, value] of Object.entries(sent.headers)) assert.equal(got.headers[name], value, name);
    }
  });

  test('a client leaving mid-stream stops generation without crashing the server', async () => {
    const controller = new AbortController();
    const res = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { ...AUTH, 'x-simulate-delay-ms': '10' },
      body: JSON.stringify(chat(GLM, { stream: true })),
      signal: controller.signal,
    });
    const id = res.headers.get('x-request-id') as string;
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();
    // Long enough for the whole stream (at most ~35 events x 10 ms) had generation carried on.
    await new Promise((r) => setTimeout(r, 500));
    const partial = sim.sent(id)?.body.toString('utf8') ?? '';
    assert.ok(!partial.includes('[DONE]'));
    assert.equal((await post('/chat/completions', chat(GLM))).res.status, 200);
  });
});

describe('traffic generator', () => {
  test('sends the requested count through both SDKs, counts expected errors, is deterministic', async () => {
    const before = sim.requests;
    const a = await runTraffic({ meterOrigin: sim.origin, requests: 60, concurrency: 4, seed: 5 });
    assert.equal(a.sent, 60);
    assert.equal(sim.requests - before, 60);
    assert.ok(a.failed >= 1 && a.failed < 20, `failed ${a.failed}`);
    const b = await runTraffic({ meterOrigin: sim.origin, requests: 60, concurrency: 4, seed: 5 });
    assert.deepEqual(b, a);
  });
});
