import assert from 'node:assert/strict';
import { parseUsdToPico, sumPico } from '@/lib/money';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { loadCatalog } from '@/lib/pricing/catalog';
import { computeCost } from '@/lib/pricing/cost';
import { findPrice } from '@/lib/pricing/lookup';
import { startSimulator, type Simulator } from '@/simulator/server';
import { ADMIN_TOKEN, recordedRows, rowWhere as rowIn, startMeterProcess, type MeterProcess, type RecordedRow } from './harness';
import { ENGINES, testDatabase } from './test-database';

const KIMI = 'accounts/fireworks/models/kimi-k3'; // streams usage only when asked (new shape)
const GLM = 'accounts/fireworks/models/glm-5p2'; // usage on the finish_reason chunk (documented shape)
const KEY = 'fw_integration_key_1234';
const catalog = loadCatalog();

let sim: Simulator;
let meter: MeterProcess;
let openai: OpenAI;

for (const engine of ENGINES) describe(`the proxy (${engine})`, () => {
  before(async () => {
    sim = await startSimulator({ seed: 42 });
    meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, await testDatabase(engine));
    openai = new OpenAI({ apiKey: KEY, baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
  });

  after(async () => {
    await meter?.stop();
    await meter?.db.close();
    await sim?.close();
  });

  const rowWhere = (match: (r: RecordedRow) => boolean, what: string) => rowIn(meter.db, match, what);

  const rowFor = (upstreamId: string) => rowWhere((r) => r.upstream_id === upstreamId, upstreamId);

  /** Raw HTTP through Meter, returning exact bytes. */
  function rawRequest(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer; chunks: { at: number; bytes: Buffer }[] }> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, meter.origin);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      // `path` as given, so dot segments reach the server un-normalised
      const req = http.request({ hostname: url.hostname, port: url.port, path, method: payload ? 'POST' : 'GET', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: { at: number; bytes: Buffer }[] = [];
        res.on('data', (d: Buffer) => chunks.push({ at: performance.now(), bytes: d }));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks.map((c) => c.bytes)), chunks }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  function expectedCost(row: RecordedRow): number | undefined {
    const price = findPrice(catalog, { model: String(row.model), servingPath: row.serving_path as 'standard', region: row.region as 'global', at: new Date(Number(row.started_at)) });
    if (!price || row.prompt_tokens === null) return undefined;
    return computeCost({ promptTokens: row.prompt_tokens, cachedPromptTokens: row.cached_prompt_tokens ?? 0, completionTokens: row.completion_tokens ?? 0 }, price).totalPico;
  }

  describe('proxy with the openai SDK', () => {
    it('returns exactly what Fireworks sent for a chat completion, and records its usage and cost', async () => {
      const res = await rawRequest('/inference/v1/chat/completions', { model: KIMI, messages: [{ role: 'user', content: 'Hello' }] }, { 'x-session-affinity': 'sess-1', 'fireworks-annotations': 'team=search,project=ranker' });
      const sent = sim.sent(String(res.headers['x-request-id']))!;
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(sent.body), 'body bytes identical');
      for (const name of ['fireworks-prompt-tokens', 'fireworks-cached-prompt-tokens', 'x-ratelimit-limit-tokens-generated', 'content-type']) {
        assert.equal(res.headers[name], sent.headers[name], name);
      }
      const json = JSON.parse(res.body.toString()) as { id: string; usage: { prompt_tokens: number; completion_tokens: number } };
      const row = await rowFor(json.id);
      assert.equal(row.prompt_tokens, json.usage.prompt_tokens);
      assert.equal(row.completion_tokens, json.usage.completion_tokens);
      assert.equal(row.serving_path, 'standard');
      assert.equal(row.session_affinity, 'sess-1');
      assert.equal(row.team, 'search');
      assert.equal(row.header_prompt_tokens, json.usage.prompt_tokens);
      assert.ok(Number(row.limit_generated_tpm) > 0);
      assert.match(String(row.api_key), /^[0-9a-f]{8}…1234$/);
      assert.equal(row.cost_total_pico, expectedCost(row));
      assert.ok(row.cost_total_pico! > 0);
      assert.ok(!JSON.stringify(row).includes('Hello'), 'no prompt text stored');
      assert.ok(!JSON.stringify(row).includes(KEY), 'no API key stored');
    });

    it('hides the usage chunk Meter asked for, yet records the usage (new streaming shape)', async () => {
      const stream = await openai.chat.completions.create({ model: KIMI, messages: [{ role: 'user', content: 'Stream please' }], stream: true });
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      assert.ok(chunks.length > 2);
      assert.ok(chunks.every((c) => c.choices.length > 0 && !c.usage), 'no usage-only chunk reaches a client that did not ask');
      const row = await rowFor(chunks[0]!.id);
      assert.ok(row.prompt_tokens! > 0 && row.completion_tokens! > 0);
      assert.equal(row.stream, 1);
      assert.equal(row.cost_total_pico, expectedCost(row));
      assert.ok(Number(row.ttft_ms) >= 0);
    });

    it('passes the usage chunk through when the client asked for it', async () => {
      const stream = await openai.chat.completions.create({ model: KIMI, messages: [{ role: 'user', content: 'With usage' }], stream: true, stream_options: { include_usage: true } });
      const chunks = [];
      for await (const c of stream) chunks.push(c);
      const last = chunks.at(-1)!;
      assert.equal(last.choices.length, 0);
      const row = await rowFor(last.id);
      assert.equal(row.prompt_tokens, last.usage!.prompt_tokens);
      assert.equal(row.completion_tokens, last.usage!.completion_tokens);
    });

    it('reads usage from the finish_reason chunk (documented shape) and forwards the stream unchanged', async () => {
      const res = await rawRequest('/inference/v1/chat/completions', { model: GLM, messages: [{ role: 'user', content: 'Documented shape' }], stream: true, stream_options: { include_usage: true } });
      const sent = sim.sent(String(res.headers['x-request-id']))!;
      assert.ok(res.body.equals(sent.body), 'stream bytes identical when the client asked for usage itself');
      const id = /"id":"([^"]+)"/.exec(res.body.toString())![1]!;
      const row = await rowFor(id);
      assert.ok(row.prompt_tokens! > 0);
      assert.equal(row.cost_total_pico, expectedCost(row));
    });

    it('delivers SSE event by event as it arrives, not buffered', async () => {
      const res = await rawRequest('/inference/v1/chat/completions', { model: GLM, messages: [{ role: 'user', content: 'Slow stream' }], stream: true }, { 'x-simulate-delay-ms': '150' });
      const events = res.body.toString().split('\n\n').filter(Boolean).length;
      assert.ok(events >= 4);
      // every event arrives in its own read, spread over the stream's duration
      assert.ok(res.chunks.length >= events - 1, `${res.chunks.length} reads for ${events} events`);
      const spread = res.chunks.at(-1)!.at - res.chunks[0]!.at;
      assert.ok(spread >= (events - 2) * 100, `first to last read spread ${spread} ms`);
    });

    it('records completions (streamed) and embeddings', async () => {
      const stream = await openai.completions.create({ model: GLM, prompt: 'def hello():', stream: true, max_tokens: 16 });
      let id = '';
      for await (const c of stream) id = c.id;
      const completionRow = await rowFor(id);
      assert.equal(completionRow.endpoint, 'completions');
      assert.ok(completionRow.completion_tokens! > 0);

      const emb = await openai.embeddings.create({ model: 'nomic-ai/nomic-embed-text-v1.5', input: ['alpha', 'beta'] });
      assert.equal(emb.data.length, 2);
      const embRow = await rowWhere((r) => r.endpoint === 'embeddings', 'embeddings');
      assert.equal(embRow.prompt_tokens, emb.usage.prompt_tokens);
      assert.equal(embRow.completion_tokens, 0);
      assert.equal(embRow.cost_total_pico, expectedCost(embRow));
    });

    it('classifies Priority from the body and Fast from the router id', async () => {
      const priority = await openai.chat.completions.create({ model: KIMI, messages: [{ role: 'user', content: 'p' }], service_tier: 'priority' } as OpenAI.ChatCompletionCreateParamsNonStreaming);
      const fast = await openai.chat.completions.create({ model: 'accounts/fireworks/routers/kimi-k3-fast', messages: [{ role: 'user', content: 'f' }] });
      const p = await rowFor(priority.id);
      const f = await rowFor(fast.id);
      assert.equal(p.serving_path, 'priority');
      assert.equal(f.serving_path, 'fast');
      assert.equal(p.cost_total_pico, expectedCost(p));
      assert.ok(Number(p.standard_cost_pico) < Number(p.cost_total_pico), 'priority premium over standard');
      assert.ok(Number(f.standard_cost_pico) < Number(f.cost_total_pico), 'fast premium over standard');
    });

    it('records an unknown-priced model as unpriced, never $0', async () => {
      const r = await openai.chat.completions.create({ model: 'accounts/fireworks/models/some-unlisted-model', messages: [{ role: 'user', content: 'x' }] });
      const row = await rowFor(r.id);
      assert.ok(row.prompt_tokens! > 0);
      assert.equal(row.cost_total_pico, null);
    });
  });

  describe('proxy with the Anthropic SDK', () => {
    it('records messages, streaming and not, with prompt = input + cache reads', async () => {
      const anthropic = new Anthropic({ authToken: KEY, apiKey: null, baseURL: `${meter.origin}/inference`, maxRetries: 0 });
      const system = 'You are terse. '.repeat(80);
      const params = { model: KIMI, max_tokens: 64, system, messages: [{ role: 'user' as const, content: 'hi' }] };
      const first = await anthropic.messages.create(params, { headers: { 'x-session-affinity': 'anth-1' } });
      const second = await anthropic.messages.create(params, { headers: { 'x-session-affinity': 'anth-1' } });
      assert.ok((second.usage.cache_read_input_tokens ?? 0) > 0, 'second call hits the cache');
      const row = await rowFor(second.id);
      assert.equal(row.prompt_tokens, second.usage.input_tokens + (second.usage.cache_read_input_tokens ?? 0));
      assert.equal(row.cached_prompt_tokens, second.usage.cache_read_input_tokens);
      assert.equal(row.cost_total_pico, expectedCost(row));
      assert.ok(Number(row.cache_savings_pico) > 0);
      assert.ok(first.id !== second.id);

      const stream = anthropic.messages.stream(params, { headers: { 'x-session-affinity': 'anth-1' } });
      const final = await stream.finalMessage();
      const streamed = await rowFor(final.id);
      assert.equal(streamed.endpoint, 'messages');
      assert.equal(streamed.stream, 1);
      assert.equal(streamed.completion_tokens, final.usage.output_tokens);
      assert.equal(streamed.prompt_tokens, final.usage.input_tokens + (final.usage.cache_read_input_tokens ?? 0));
    });
  });

  describe('errors', () => {
    const cases: [string, Record<string, string>, unknown, number][] = [
      ['401', { authorization: 'Bearer bad-key' }, { model: KIMI, messages: [{ role: 'user', content: 'x' }] }, 401],
      ['404', {}, { model: 'accounts/fireworks/models/missing-model', messages: [{ role: 'user', content: 'x' }] }, 404],
      ['429', { 'x-simulate-status': '429' }, { model: KIMI, messages: [{ role: 'user', content: 'x' }] }, 429],
      ['503', { 'x-simulate-status': '503' }, { model: KIMI, messages: [{ role: 'user', content: 'x' }] }, 503],
    ];
    for (const [name, headers, body, status] of cases) {
      it(`passes a ${name} through unchanged and records it`, async () => {
        const res = await rawRequest('/inference/v1/chat/completions', body, headers);
        assert.equal(res.status, status);
        const sent = sim.sent(String(res.headers['x-request-id']))!;
        assert.ok(res.body.equals(sent.body));
        const row = await rowWhere((r) => r.upstream_request_id === res.headers['x-request-id'], `${name} error`);
        assert.equal(row.status, status);
        assert.ok(row.error_code);
        assert.equal(row.cost_total_pico, null);
      });
    }

    it('refuses paths that would leave the upstream base', async () => {
      const res = await rawRequest('/inference/v1/%2e%2e/%2e%2e/v1/accounts', undefined);
      assert.equal(res.status, 400);
      assert.match(res.body.toString(), /"error"/);
    });

    it('forwards unrecorded endpoints untouched', async () => {
      const res = await rawRequest('/inference/v1/models', undefined);
      assert.equal(res.status, 200);
      assert.ok(res.body.equals(sim.sent(String(res.headers['x-request-id']))!.body));
    });

    it('records a client that hangs up mid-stream as 499, unpriced', async () => {
      const before = (await recordedRows(meter.db, 0)).length;
      let upstreamRequestId = '';
      await new Promise<void>((resolve, reject) => {
        const req = http.request(new URL('/inference/v1/chat/completions', meter.origin), { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-simulate-delay-ms': '200' } }, (res) => {
          upstreamRequestId = String(res.headers['x-request-id']);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
        req.end(JSON.stringify({ model: KIMI, messages: [{ role: 'user', content: 'hang up' }], stream: true }));
        setTimeout(() => reject(new Error('no data')), 5000);
      });
      const rows = await recordedRows(meter.db, before + 1);
      const row = rows.at(-1)!;
      assert.equal(row.status, 499);
      assert.equal(row.cost_total_pico, null);
      assert.equal(row.prompt_tokens, null);
      // the upstream call was cancelled too: Fireworks never finished the stream
      await new Promise((r) => setTimeout(r, 600));
      const sent = sim.sent(upstreamRequestId);
      assert.ok(sent, 'simulator saw the call');
      assert.ok(!sent.body.toString().includes('[DONE]'), 'upstream generation stopped');
    });
  });

  describe('request CSV', () => {
    it('lists every successful call with tokens and cost equal to the recorded usage', async () => {
      const rows = await recordedRows(meter.db, 0);
      const from = new Date(Math.min(...rows.map((r) => Number(r.started_at)))).toISOString();
      const to = new Date(Date.now() + 1000).toISOString();
      const res = await fetch(`${meter.origin}/api/v1/requests.csv?from=${from}&to=${to}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-disposition') ?? '', /fireworks-meter_requests_.*_UTC\.csv/);
      const lines = (await res.text()).trimEnd().split('\r\n');
      const header = lines[0]!.split(',');
      assert.equal(lines.length - 1, rows.length);
      const col = (name: string) => header.indexOf(name);
      let pico = 0n;
      for (const row of rows.filter((r) => r.status === 200 && r.upstream_id)) {
        const line = lines.find((l) => l.startsWith(`${row.upstream_id},`));
        assert.ok(line, `row ${row.upstream_id} in CSV`);
        const cells = line.split(',');
        assert.equal(cells[col('prompt_tokens')], String(row.prompt_tokens));
        assert.equal(cells[col('priced')], row.cost_total_pico === null ? 'false' : 'true');
        if (row.cost_total_pico !== null) pico += parseUsdToPico(cells[col('cost_usd')]!)!;
      }
      const recorded = sumPico(rows.filter((r) => r.status === 200 && r.upstream_id).map((r) => r.cost_total_pico));
      assert.equal(pico, recorded, 'the CSV holds every recorded cost exactly');
    });

    it('answers bad ranges with 400 and the reason, and refuses callers without the admin token', async () => {
      const bad = await fetch(`${meter.origin}/api/v1/requests.csv?from=yesterday&to=now`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /from/);
      const anonymous = await fetch(`${meter.origin}/api/v1/requests.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`);
      assert.equal(anonymous.status, 401);
      const page = await fetch(`${meter.origin}/`, { redirect: 'manual' });
      assert.equal(page.status, 302);
      assert.match(page.headers.get('location') ?? '', /^\/login/);
    });
  });
});
