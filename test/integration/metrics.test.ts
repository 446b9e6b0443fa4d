// GET /metrics on a real Meter (startMeter without the Next.js dashboard, so no build is needed)
// in front of the simulator: who may read it, on which port, and that a proxied call shows up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@/lib/config';
import { startMeter, type RunningMeter } from '@/lib/server/meter';
import { startSimulator, type Simulator } from '@/simulator/server';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text';

const ADMIN = 'test-admin-token-0123456789';
const METRICS = 'test-metrics-token-0123456789';
const KIMI = 'accounts/fireworks/models/kimi-k3';

function meterConfig(sim: Simulator, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-metrics-it-'));
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dir, 'meter.db')}`, METER_ADMIN_TOKEN: ADMIN, FIREWORKS_BASE_URL: sim.url, ...env });
}

/** Raw HTTP with the path exactly as given (no client-side normalisation). */
function request(origin: string, rawPath: string, { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const url = new URL(origin);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: rawPath, method, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('/metrics on a running Meter', () => {
  let sim: Simulator;
  let meter: RunningMeter;
  before(async () => {
    sim = await startSimulator({ seed: 7 });
    meter = await startMeter({ config: meterConfig(sim, { METER_METRICS_TOKEN: METRICS, METRICS_PORT: '0' }), log: () => undefined });
  });
  after(async () => {
    await meter?.close();
    await sim?.close();
  });

  it('shows a proxied call once it has ended', async () => {
    const call = await request(meter.origin, '/inference/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer fw_metrics_key_1234' },
      body: { model: KIMI, messages: [{ role: 'user', content: 'hello there' }], max_tokens: 8 },
    });
    assert.equal(call.status, 200, call.text);
    const usage = (JSON.parse(call.text) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    const res = await request(meter.origin, '/metrics', { headers: bearer(METRICS) });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const s = parsePrometheusText(res.text);
    const labels = { model: KIMI, serving_path: 'standard', endpoint: 'chat/completions' };
    assert.equal(sampleValue(s, 'meter_calls_total', { ...labels, status_code: '200' }), 1);
    assert.equal(sampleValue(s, 'meter_prompt_tokens_total', labels), usage.prompt_tokens);
    assert.equal(sampleValue(s, 'meter_completion_tokens_total', labels), usage.completion_tokens);
    assert.ok(sampleValue(s, 'meter_cost_dollars_total', { model: KIMI })! > 0);
    assert.equal(sampleValue(s, 'meter_proxy_overhead_seconds_count', { endpoint: 'chat/completions', stream: 'false' }), 1);
    assert.equal(sampleValue(s, 'gen_ai_client_operation_duration_seconds_count', { gen_ai_request_model: KIMI }), 1);
    assert.ok(sampleValue(s, 'meter_ratelimit_limit_tokens_per_minute', { model: KIMI, meter: 'prompt' })! > 0, 'the simulator sends limit headers');
    assert.ok(sampleValue(s, 'process_resident_memory_bytes')! > 0);
    // the call is recorded soon after; its batch shows in the write histogram
    await new Promise((r) => setTimeout(r, 200));
    const later = parsePrometheusText((await request(meter.origin, '/metrics', { headers: bearer(METRICS) })).text);
    assert.ok(sampleValue(later, 'meter_db_write_duration_seconds_count', { outcome: 'ok' })! >= 1);
    assert.equal(sampleValue(later, 'meter_recorder_records_written_total'), 1);
    assert.equal(sampleValue(later, 'meter_journal_lag_bytes'), 0);
  });

  it('takes the metrics token on the main port, and nothing else', async () => {
    assert.equal((await request(meter.origin, '/metrics')).status, 401);
    assert.equal((await request(meter.origin, '/metrics', { headers: bearer('wrong-token-0123456789') })).status, 401);
    assert.equal((await request(meter.origin, '/metrics', { headers: bearer(ADMIN) })).status, 401, 'the admin token is no metrics token');
    const head = await request(meter.origin, '/metrics', { method: 'HEAD', headers: bearer(METRICS) });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await request(meter.origin, '/metrics', { method: 'POST', headers: bearer(METRICS) })).status, 405);
    assert.equal((await request(meter.origin, '/metrics?x', { headers: bearer(METRICS) })).status, 200, 'a query is ignored');
    assert.equal((await request(meter.origin, '/%6detrics', { headers: bearer(METRICS) })).status, 200, 'decided on the decoded path');
  });

  it('is not reached by other spellings, the dashboard login or the proxy path', async () => {
    for (const p of ['//metrics', '/metrics/../x', '/x/../metrics', '/./metrics', '/metrics%2F..']) {
      const res = await request(meter.origin, p, { headers: bearer(METRICS) });
      assert.equal(res.status, 404, p); // the gate refuses the path outright
      assert.doesNotMatch(res.text, /meter_calls_total/, p);
    }
    // case matters: /METRICS is an ordinary dashboard path behind the gate
    assert.equal((await request(meter.origin, '/METRICS', { headers: bearer(METRICS) })).status, 302);
    const asAdmin = await request(meter.origin, '/METRICS', { headers: bearer(ADMIN) });
    assert.equal(asAdmin.status, 404);
    assert.doesNotMatch(asAdmin.text, /meter_calls_total/);
    for (const p of ['/inference/v1/../../metrics', '/inference/metrics', '/inference/v1/metrics/../../../metrics']) {
      const res = await request(meter.origin, p, { headers: bearer(METRICS) });
      assert.doesNotMatch(res.text, /meter_calls_total/, p);
    }
  });

  it('serves METRICS_PORT open, on 127.0.0.1 only, and /metrics only', async () => {
    assert.match(meter.metricsOrigin!, /^http:\/\/127\.0\.0\.1:\d+$/);
    const open = await request(meter.metricsOrigin!, '/metrics');
    assert.equal(open.status, 200);
    assert.ok(sampleValue(parsePrometheusText(open.text), 'meter_calls_total', { model: KIMI })! >= 1);
    assert.equal((await request(meter.metricsOrigin!, '/')).status, 404);
    assert.equal((await request(meter.metricsOrigin!, '/healthz')).status, 404);
    assert.equal((await request(meter.metricsOrigin!, '/metrics/../metrics')).status, 404);
    assert.equal((await request(meter.metricsOrigin!, '/metrics', { method: 'DELETE' })).status, 405);
    // another loopback address reaches the machine, but nothing listens there for this port
    const port = new URL(meter.metricsOrigin!).port;
    await assert.rejects(request(`http://127.0.0.2:${port}`, '/metrics'), /ECONNREFUSED/);
  });
});

describe('/metrics with no metrics token and no METRICS_PORT', () => {
  it('answers 404 with the reason, to every caller', async () => {
    const sim = await startSimulator({ seed: 8 });
    const meter = await startMeter({ config: meterConfig(sim), log: () => undefined });
    try {
      for (const headers of [{}, bearer(ADMIN), bearer(METRICS)]) {
        const res = await request(meter.origin, '/metrics', { headers });
        assert.equal(res.status, 404);
        assert.match(res.text, /METER_METRICS_TOKEN/);
      }
      assert.equal(meter.metricsOrigin, undefined);
    } finally {
      await meter.close();
      await sim.close();
    }
  });
});
