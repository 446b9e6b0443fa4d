import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ChatOpenAI } from '@langchain/openai';
import OpenAI6 from 'openai';
import OpenAI7 from 'openai7';
import { startSimulator, type Simulator } from '@/simulator/server';
import { recordedRows, rowWhere, startMeterProcess, type MeterProcess, type RecordedRow } from './harness';
import { ENGINES, testDatabase } from './test-database';

const KIMI = 'accounts/fireworks/models/kimi-k3'; // streams usage only when asked
const GLM = 'accounts/fireworks/models/glm-5p2'; // usage on the finish chunk
const KEY = 'fw_clients_key_1234';
const CALLS = 5;

let sim: Simulator;
let meter: MeterProcess;

before(async () => {
  // The body stays open 300 ms after the terminal event, as Fireworks' does: clients that stop
  // reading at [DONE] hang up inside that window.
  sim = await startSimulator({ seed: 9, pauseBeforeEndMs: 300 });
});

after(async () => {
  await sim?.close();
});

/** Every id has a row: status 200, the upstream's tokens and a cost. */
async function assertMetered(ids: string[], client: string) {
  const deadline = Date.now() + 5000;
  let rows: RecordedRow[] = [];
  for (;;) {
    rows = (await recordedRows(meter.db, 0)).filter((r) => ids.includes(r.upstream_id!));
    if (rows.length >= ids.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const complete = rows.filter((r) => r.status === 200 && r.prompt_tokens! > 0 && r.completion_tokens! > 0 && r.cost_total_pico !== null);
  console.log(`${client}: ${ids.length} streams completed, ${complete.length} metered with tokens and cost`);
  assert.equal(complete.length, ids.length, `${client}: ${JSON.stringify(rows.map((r) => [r.status, r.error_code]))}`);
}

for (const engine of ENGINES) describe(`streams through the real clients are metered when they stop reading at the end (${engine})`, () => {
  before(async () => {
    meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, await testDatabase(engine));
  });
  after(async () => {
    await meter?.stop();
    await meter?.db.close();
  });

  const openaiStreams = async (name: string, stream: (i: number) => Promise<AsyncIterable<{ id: string }>>) => {
    const ids: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      let id = '';
      for await (const chunk of await stream(i)) id = chunk.id;
      ids.push(id);
    }
    await assertMetered(ids, name);
  };
  const params = (name: string, i: number) => ({ model: i % 2 ? KIMI : GLM, messages: [{ role: 'user' as const, content: `${name} stream ${i}` }], max_tokens: 16, stream: true as const });

  it('openai 6: chat.completions.create({ stream: true })', async () => {
    const client = new OpenAI6({ apiKey: KEY, baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
    await openaiStreams('openai 6', (i) => client.chat.completions.create(params('openai 6', i)));
  });

  it('openai 7: chat.completions.create({ stream: true })', async () => {
    const client = new OpenAI7({ apiKey: KEY, baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
    await openaiStreams('openai 7', (i) => client.chat.completions.create(params('openai 7', i)));
  });

  it('LangChain JS: ChatOpenAI.stream()', async () => {
    const model = new ChatOpenAI({ model: KIMI, apiKey: KEY, configuration: { baseURL: `${meter.origin}/inference/v1` }, maxRetries: 0, maxTokens: 16 });
    const ids: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      let id = '';
      for await (const chunk of await model.stream(`langchain stream ${i}`)) id = chunk.id ?? id;
      ids.push(id);
    }
    assert.ok(ids.every(Boolean), `LangChain gave ids: ${ids.join(', ')}`);
    await assertMetered(ids, 'LangChain');
  });

  it('Anthropic SDK: messages.stream()', async () => {
    const anthropic = new Anthropic({ authToken: KEY, apiKey: null, baseURL: `${meter.origin}/inference`, maxRetries: 0 });
    const ids: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      const message = await anthropic.messages.stream({ model: KIMI, max_tokens: 16, messages: [{ role: 'user', content: `anthropic ${i}` }] }).finalMessage();
      ids.push(message.id);
    }
    await assertMetered(ids, 'Anthropic');
  });

  it('a client that leaves before the end is a 499 that keeps its upstream id, with usage unknown', async () => {
    const client = new OpenAI7({ apiKey: KEY, baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: GLM, messages: [{ role: 'user', content: 'leave early' }], max_tokens: 64, stream: true }, { headers: { 'x-simulate-delay-ms': '50' } });
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      break;
    }
    const row = await rowWhere(meter.db, (r) => r.upstream_id === id, id);
    assert.equal(row.status, 499);
    assert.equal(row.prompt_tokens, null);
    assert.equal(row.cost_total_pico, null);
  });
});
