import assert from 'node:assert/strict';
import http from 'node:http';
import { describe, it } from 'node:test';
import { recordedRows, startMeterProcess, withSimulator } from './harness';
import { KIMI, runLoad } from './load';
import { ENGINES, testDatabase } from './test-database';

const GRACE_MS = 3000;

for (const engine of ENGINES) describe(`shutdown with a deadline (${engine})`, () => {
  it('under 40 keep-alive clients and a slow stream, SIGTERM exits within the grace period plus a second, every completed call recorded', async () => {
    await withSimulator({}, async (sim) => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, SHUTDOWN_GRACE_MS: String(GRACE_MS) }, await testDatabase(engine));
      let exited = false;
      const load = runLoad(meter.origin, { concurrency: 40, stop: () => exited });
      const slow = slowStream(meter.origin);
      await new Promise((r) => setTimeout(r, 1500));
      const signalled = performance.now();
      const exitCode = await meter.stop('SIGTERM');
      const tookMs = performance.now() - signalled;
      exited = true;
      const { completed } = await load;
      const slowOutcome = await slow;
      console.log(`SIGTERM (${engine}): exit ${exitCode} after ${tookMs.toFixed(0)} ms (grace ${GRACE_MS} ms); ${completed.length} calls completed; slow stream ${slowOutcome}`);
      assert.equal(exitCode, 0, meter.output());
      assert.ok(tookMs < GRACE_MS + 1000, `exit took ${tookMs.toFixed(0)} ms`);
      assert.equal(slowOutcome, 'cut', 'the stream still going at the deadline was cut');

      const rows = await recordedRows(meter.db, 0, 0);
      await meter.db.close();
      const recorded = new Set(rows.map((r) => r.upstream_id));
      assert.deepEqual(completed.filter((id) => !recorded.has(id)), [], 'every completed call is recorded');
      const cut = rows.filter((r) => r.error_code === 'meter_shutdown');
      assert.equal(cut.length, 1, 'the slow stream is recorded as cut by the shutdown');
      assert.equal(cut[0]?.status, 499);
    });
  });
});

/** A stream that would take about a minute (one event every 500 ms). */
function slowStream(origin: string): Promise<'completed' | 'cut'> {
  const body = JSON.stringify({ model: KIMI, messages: [{ role: 'user', content: 'tell me a long story' }], max_tokens: 120, stream: true });
  return new Promise((resolve) => {
    const req = http.request(new URL('/inference/v1/chat/completions', origin), {
      method: 'POST',
      headers: { authorization: 'Bearer fw_slow_key', 'content-type': 'application/json', 'x-simulate-delay-ms': '500' },
    }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve('completed'));
      res.on('error', () => resolve('cut'));
      res.on('aborted', () => resolve('cut'));
    });
    req.on('error', () => resolve('cut'));
    req.end(body);
  });
}
