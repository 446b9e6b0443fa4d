import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { recordedRows, startMeterProcess, withSimulator } from './harness';
import { ENGINES, testDatabase } from './test-database';

const KIMI = 'accounts/fireworks/models/kimi-k3';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

for (const engine of ENGINES) describe(`resilience (${engine})`, () => {
  describe('upstream failures', () => {
    it('answers 502 with an OpenAI-style body when Fireworks is unreachable, and records it', async () => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: `http://127.0.0.1:${await closedPort()}/inference/v1` }, await testDatabase(engine));
      try {
        const client = new OpenAI({ apiKey: 'fw_k', baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
        await assert.rejects(client.chat.completions.create({ model: KIMI, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
          assert.ok(e instanceof OpenAI.APIError);
          assert.equal(e.status, 502);
          assert.equal((e.error as { code?: string }).code, 'upstream_unreachable');
          return true;
        });
        const [row] = await recordedRows(meter.db, 1);
        assert.equal(row?.status, 502);
        assert.equal(row?.error_code, 'upstream_unreachable');
      } finally {
        await meter.stop();
      }
    });

    it('answers 504 when Fireworks does not answer in time', async () => {
      await withSimulator({}, async (sim) => {
        const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, UPSTREAM_HEADERS_TIMEOUT_MS: '300' }, await testDatabase(engine));
        try {
          const res = await fetch(`${meter.origin}/inference/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: 'Bearer fw_k', 'content-type': 'application/json', 'x-simulate-delay-ms': '2000' },
            body: JSON.stringify({ model: KIMI, messages: [{ role: 'user', content: 'slow' }] }),
          });
          assert.equal(res.status, 504);
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'upstream_timeout');
          const [row] = await recordedRows(meter.db, 1);
          assert.equal(row?.status, 504);
        } finally {
          await meter.stop();
        }
      });
    });
  });

  describe('SIGTERM under load', () => {
    it('finishes in-flight calls and records every call that succeeded', async () => {
      await withSimulator({ chunkDelayMs: 20 }, async (sim) => {
        const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, await testDatabase(engine));
        const client = new OpenAI({ apiKey: 'fw_load', baseURL: `${meter.origin}/inference/v1`, maxRetries: 0 });
        const ids: string[] = [];
        let refused = 0;
        const one = async (i: number) => {
          try {
            const stream = await client.chat.completions.create({ model: KIMI, messages: [{ role: 'user', content: `load ${i}` }], stream: true });
            let id = '';
            for await (const c of stream) id = c.id;
            ids.push(id);
          } catch {
            refused++; // sent after the listener closed: the client saw a failure, nothing was accepted
          }
        };
        const workers = Array.from({ length: 20 }, async (_, w) => {
          for (let i = w; i < 400; i += 20) await one(i);
        });
        await new Promise((r) => setTimeout(r, 700));
        const inFlightAtSignal = ids.length;
        const exitCode = await meter.stop('SIGTERM');
        await Promise.all(workers);
        assert.equal(exitCode, 0, meter.output());
        assert.ok(ids.length > inFlightAtSignal, 'calls in flight at SIGTERM completed');
        const rows = await recordedRows(meter.db, 0);
        const recorded = new Set(rows.map((r) => r.upstream_id));
        const missing = ids.filter((id) => !recorded.has(id));
        assert.deepEqual(missing, [], 'every successful call is recorded');
        assert.ok(rows.every((r) => r.status === 200 && r.prompt_tokens! > 0));
        assert.ok(refused > 0, 'the load outlasted the server');
      });
    });
  });
});
