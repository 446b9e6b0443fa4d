import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '@/db/client';
import { loadConfig } from '@/lib/config';
import { picoToDollars } from '@/lib/metrics/dollars';
import { isMetricsPath, metricsAccess } from '@/lib/metrics/http';
import { OTHER, statusLabel } from '@/lib/metrics/labels';
import { MeterMetrics } from '@/lib/metrics/observe';
import type { Pricing } from '@/lib/pricing/price-book';
import type { CompletedCall } from '@/lib/proxy/completed-call';
import { CallJournal } from '@/lib/recorder/journal';
import { Recorder } from '@/lib/recorder/recorder';
import type { FireworksHeaderFacts } from '@/lib/usage/headers';
import { labelValues, parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text';

const KIMI = 'accounts/fireworks/models/kimi-k3';
const TOKEN = 'metrics-token-0123456789';

const NO_HEADERS: FireworksHeaderFacts = {
  upstreamRequestId: null, headerPromptTokens: null, headerCachedPromptTokens: null, serverTtftMs: null, serverProcessingMs: null,
  limitPromptTpm: null, limitUncachedPromptTpm: null, limitGeneratedTpm: null, remainingPromptTokens: null,
  remainingUncachedPromptTokens: null, remainingGeneratedTokens: null, overLimit: null, retryAfterS: null,
};

function completedCall(extra: Partial<CompletedCall> = {}, facts: Partial<CompletedCall['facts']> = {}): CompletedCall {
  return {
    facts: {
      endpoint: 'chat/completions', model: KIMI, stream: true, servingPath: 'standard', region: 'global', apiKey: 'fw_a…wxyz',
      user: 'someone', sessionAffinity: 'session-1', team: null, project: null, environment: null, tags: null, ...facts,
    },
    startedAt: Date.UTC(2026, 11, 1, 12),
    durationMs: 1500,
    ttftMs: 120,
    status: 200,
    errorCode: null,
    responseId: 'resp-1',
    usage: { promptTokens: 1000, cachedPromptTokens: 600, completionTokens: 50 },
    rawUsage: {},
    headers: NO_HEADERS,
    overheadMs: 0.4,
    ...extra,
  };
}

const priced = (totalPico: number): Pricing => ({
  priceId: 1,
  cost: { inputPico: totalPico, cachedInputPico: 0, outputPico: 0, totalPico, cacheSavingsPico: 0 },
  standardCostPico: totalPico,
});
const UNPRICED: Pricing = { priceId: null, cost: null, standardCostPico: null };

const newMetrics = (modelLimit = 50) => new MeterMetrics({ catalogModels: [KIMI], modelLimit });
const scrape = async (metrics: MeterMetrics): Promise<Sample[]> => parsePrometheusText(await metrics.text());

describe('metrics: a completed call', () => {
  it('moves calls, tokens, cost, latency and rate-limit series, after the call and not during it', async () => {
    const metrics = newMetrics();
    const headers = { ...NO_HEADERS, limitPromptTpm: 3_600_000, remainingPromptTokens: 3_590_000, limitGeneratedTpm: 36_000, remainingGeneratedTokens: 35_950 };
    metrics.callCompleted(completedCall({ headers }), priced(1_234_567_890_123), 0.1);
    const before = parsePrometheusText(await metrics.registry.metrics());
    assert.equal(sampleValue(before, 'meter_calls_total', { model: KIMI }), undefined, 'observed only after the response path');
    await nextTurn();
    const s = parsePrometheusText(await metrics.registry.metrics());

    const call = { model: KIMI, serving_path: 'standard', endpoint: 'chat/completions' };
    assert.equal(sampleValue(s, 'meter_calls_total', { ...call, status_code: '200' }), 1);
    assert.equal(sampleValue(s, 'meter_prompt_tokens_total', call), 1000);
    assert.equal(sampleValue(s, 'meter_cached_prompt_tokens_total', call), 600);
    assert.equal(sampleValue(s, 'meter_completion_tokens_total', call), 50);
    assert.equal(sampleValue(s, 'meter_cost_dollars_total', { model: KIMI, serving_path: 'standard' }), 1.234567890123);
    assert.equal(sampleValue(s, 'meter_unpriced_calls_total', { model: KIMI }), undefined);

    const genAi = { gen_ai_operation_name: 'chat', gen_ai_provider_name: 'fireworks', gen_ai_request_model: KIMI, serving_path: 'standard' };
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'input' }), 1000);
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_sum', { ...genAi, gen_ai_token_type: 'output' }), 50);
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_bucket', { ...genAi, gen_ai_token_type: 'input', le: '1024' }), 1);
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_bucket', { ...genAi, gen_ai_token_type: 'input', le: '256' }), 0);
    assert.equal(sampleValue(s, 'gen_ai_client_operation_duration_seconds_sum', { ...genAi, error_type: '' }), 1.5);
    assert.equal(sampleValue(s, 'gen_ai_client_operation_duration_seconds_count', genAi), 1);
    assert.equal(sampleValue(s, 'meter_time_to_first_byte_seconds_sum', { model: KIMI, stream: 'true' }), 0.12);
    assert.equal(sampleValue(s, 'meter_proxy_overhead_seconds_sum', { endpoint: 'chat/completions', stream: 'true' }), 0.0005);
    assert.equal(sampleValue(s, 'meter_proxy_overhead_seconds_bucket', { endpoint: 'chat/completions', le: '0.0005' }), 1);

    assert.equal(sampleValue(s, 'meter_ratelimit_limit_tokens_per_minute', { model: KIMI, meter: 'prompt' }), 3_600_000);
    assert.equal(sampleValue(s, 'meter_ratelimit_remaining_tokens', { model: KIMI, meter: 'prompt' }), 3_590_000);
    assert.equal(sampleValue(s, 'meter_ratelimit_limit_tokens_per_minute', { model: KIMI, meter: 'generated' }), 36_000);
    assert.equal(sampleValue(s, 'meter_ratelimit_remaining_tokens', { model: KIMI, meter: 'generated' }), 35_950);
    assert.equal(sampleValue(s, 'meter_ratelimit_limit_tokens_per_minute', { model: KIMI, meter: 'uncached_prompt' }), undefined, 'a header not sent sets nothing');
    assert.equal(sampleValue(s, 'meter_ratelimit_updated_timestamp_seconds', { model: KIMI }), (Date.UTC(2026, 11, 1, 12) + 1500) / 1000);
  });

  it('labels no session, user or API key', async () => {
    const metrics = newMetrics();
    metrics.callCompleted(completedCall(), priced(1));
    const text = await metrics.text();
    for (const secret of ['session-1', 'someone', 'fw_a']) assert.ok(!text.includes(secret), secret);
    const names = new Set(parsePrometheusText(text).flatMap((s) => Object.keys(s.labels)));
    for (const name of ['api_key', 'session', 'user', 'session_affinity']) assert.ok(!names.has(name), name);
  });

  it('adds cost in exact pico-dollars and divides once: ten calls of $0.10 are $1, not 0.9999999999999999', async () => {
    const metrics = newMetrics();
    for (let i = 0; i < 10; i++) metrics.callCompleted(completedCall(), priced(100_000_000_000));
    assert.equal(sampleValue(await scrape(metrics), 'meter_cost_dollars_total', { model: KIMI }), 1);
    assert.equal(picoToDollars(10n ** 12n * 9_000_000n + 1n), 9_000_000.000000000001);
    assert.equal(picoToDollars(123_456_789_012_345_678n), 123_456.789012345678);
  });

  it('counts calls without a cost apart, by reason, never as $0', async () => {
    const metrics = newMetrics();
    metrics.callCompleted(completedCall({}, { servingPath: 'priority' }), UNPRICED); // usage, no price row
    metrics.callCompleted(completedCall({ status: 429, usage: undefined, ttftMs: null }), UNPRICED); // answered without usage
    metrics.callCompleted(completedCall({ status: 502, usage: undefined, headers: undefined, overheadMs: undefined, ttftMs: null }), UNPRICED);
    metrics.callCompleted(completedCall({ status: 402, usage: undefined, headers: undefined, overheadMs: undefined, budgetId: 7 }), UNPRICED);
    const s = await scrape(metrics);
    assert.equal(sampleValue(s, 'meter_unpriced_calls_total', { serving_path: 'priority', reason: 'no_price' }), 1);
    assert.equal(sampleValue(s, 'meter_unpriced_calls_total', { serving_path: 'standard', reason: 'no_usage' }), 1);
    assert.equal(sampleValue(s, 'meter_unpriced_calls_total', { reason: 'no_response' }), 1);
    assert.equal(sampleValue(s, 'meter_unpriced_calls_total', { reason: 'budget_refused' }), 1);
    assert.deepEqual(labelValues(s, 'meter_cost_dollars_total', 'model'), [], 'no $0 cost series');
    assert.equal(sampleValue(s, 'meter_calls_total', { status_code: '429' }), 1);
    assert.equal(sampleValue(s, 'gen_ai_client_operation_duration_seconds_count', { error_type: '502' }), 1);
    assert.equal(sampleValue(s, 'meter_proxy_overhead_seconds_count', { endpoint: 'chat/completions' }), 2, 'only calls Fireworks answered');
    assert.equal(sampleValue(s, 'meter_prompt_tokens_total', { serving_path: 'standard' }), undefined, 'no usage, no tokens');
  });

  it('gives embeddings no output tokens and names operations as OpenTelemetry does', async () => {
    const metrics = newMetrics();
    metrics.callCompleted(completedCall({ usage: { promptTokens: 30, cachedPromptTokens: 0, completionTokens: 0 } }, { endpoint: 'embeddings' }), priced(5));
    metrics.callCompleted(completedCall({}, { endpoint: 'completions' }), priced(5));
    metrics.callCompleted(completedCall({}, { endpoint: 'messages' }), priced(5));
    const s = await scrape(metrics);
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_count', { gen_ai_operation_name: 'embeddings', gen_ai_token_type: 'output' }), undefined);
    assert.equal(sampleValue(s, 'gen_ai_client_token_usage_sum', { gen_ai_operation_name: 'embeddings', gen_ai_token_type: 'input' }), 30);
    assert.deepEqual(labelValues(s, 'gen_ai_client_operation_duration_seconds_count', 'gen_ai_operation_name'), ['chat', 'embeddings', 'text_completion']);
  });
});

describe('metrics: label values are capped', () => {
  it('keeps catalog models, then METRICS_MODEL_LIMIT others, and puts the rest in "other"', async () => {
    const metrics = newMetrics(2);
    for (let i = 0; i < 6; i++) metrics.callCompleted(completedCall({}, { model: `junk-${i}` }), UNPRICED);
    metrics.callCompleted(completedCall(), priced(1));
    metrics.callCompleted(completedCall({}, { model: 'x'.repeat(500) }), UNPRICED);
    const s = await scrape(metrics);
    assert.deepEqual(labelValues(s, 'meter_calls_total', 'model'), [KIMI, 'junk-0', 'junk-1', OTHER].sort());
    assert.equal(sampleValue(s, 'meter_calls_total', { model: OTHER }), 5);
    assert.equal(sampleValue(s, 'meter_metrics_label_overflow_total', { label: 'model' }), 5);
    assert.deepEqual(labelValues(s, 'gen_ai_client_operation_duration_seconds_count', 'gen_ai_request_model'), [KIMI, 'junk-0', 'junk-1', OTHER].sort());
  });

  it('escapes a model name that holds quotes, backslashes or a newline', async () => {
    const metrics = newMetrics(5);
    const odd = 'evil"} 1\nfake_metric{a="b\\';
    metrics.callCompleted(completedCall({}, { model: odd }), UNPRICED);
    const s = await scrape(metrics);
    assert.deepEqual(labelValues(s, 'meter_calls_total', 'model'), [odd]);
    assert.equal(s.some((x) => x.name === 'fake_metric'), false);
  });

  it('a model literally named "other" does not take a place of its own', async () => {
    const metrics = newMetrics(5);
    metrics.callCompleted(completedCall({}, { model: OTHER }), UNPRICED);
    assert.deepEqual(labelValues(await scrape(metrics), 'meter_calls_total', 'model'), [OTHER]);
  });

  it('names common HTTP codes and gives the rest their class', () => {
    assert.deepEqual([200, 429, 499, 503, 201, 418, 599, 0, 1000].map(statusLabel), ['200', '429', '499', '503', '2xx', '4xx', '5xx', OTHER, OTHER]);
  });
});

describe('metrics: who may read /metrics on the main port', () => {
  const get = (authorization?: string, method = 'GET') => ({ method, headers: authorization === undefined ? {} : { authorization } });

  it('takes the metrics token only, compared whole', () => {
    assert.deepEqual(metricsAccess(get(`Bearer ${TOKEN}`), TOKEN), { ok: true });
    assert.deepEqual(metricsAccess(get(`bearer ${TOKEN}`, 'HEAD'), TOKEN), { ok: true });
    for (const authorization of [undefined, '', 'Bearer', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer test-admin-token-0123456789']) {
      const access = metricsAccess(get(authorization), TOKEN);
      assert.equal(access.ok ? 200 : access.status, 401, String(authorization));
      assert.equal(!access.ok && access.headers?.['www-authenticate'], 'Bearer realm="metrics"');
    }
  });

  it('answers 404 when no metrics token is configured, whatever is sent', () => {
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
      const access = metricsAccess(get(authorization), undefined);
      assert.equal(access.ok ? 200 : access.status, 404);
    }
  });

  it('refuses other methods, after the token (a stranger learns nothing)', () => {
    const access = metricsAccess(get(`Bearer ${TOKEN}`, 'POST'), TOKEN);
    assert.equal(access.ok ? 200 : access.status, 405);
    const stranger = metricsAccess(get(undefined, 'POST'), TOKEN);
    assert.equal(stranger.ok ? 200 : stranger.status, 401);
  });

  it('decides on the normalised path', () => {
    for (const url of ['/metrics', '/metrics?x', '/metrics?name[]=up', '/%6detrics', '/metric%73']) assert.equal(isMetricsPath(url), true, url);
    for (const url of ['/METRICS', '/Metrics', '/metrics/', '//metrics', '/metrics/../x', '/x/../metrics', '/./metrics', '/metrics%2F', '/inference/v1/../../metrics', '/api/metrics', 'metrics', '', undefined]) {
      assert.equal(isMetricsPath(url), false, String(url));
    }
  });

  it('config: the token must be distinct and long; METRICS_PORT must not be PORT', () => {
    const base = { METER_ADMIN_TOKEN: 'admin-token-0123456789', PORT: '3000' };
    assert.equal(loadConfig({ ...base, METER_METRICS_TOKEN: TOKEN, METRICS_PORT: '9464' }).METRICS_PORT, 9464);
    assert.equal(loadConfig(base).METRICS_MODEL_LIMIT, 50);
    assert.throws(() => loadConfig({ ...base, METER_METRICS_TOKEN: 'short' }), /METER_METRICS_TOKEN/);
    assert.throws(() => loadConfig({ ...base, METER_METRICS_TOKEN: base.METER_ADMIN_TOKEN }), /must differ/);
    assert.throws(() => loadConfig({ ...base, METER_VIEWER_TOKEN: TOKEN, METER_METRICS_TOKEN: TOKEN }), /must differ/);
    assert.throws(() => loadConfig({ ...base, METRICS_PORT: '3000' }), /METRICS_PORT must differ/);
  });
});

describe('metrics: the recorder', () => {
  it('reports each batch write and the journal bytes not yet committed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-metrics-'));
    const file = path.join(dir, 'meter.db');
    const db = openDatabase(file);
    const recorder = new Recorder(db, { journal: new CallJournal(`${file}.calls`, { log: () => undefined }), log: () => undefined, flushIntervalMs: 60_000 });
    const metrics = new MeterMetrics({ catalogModels: [], modelLimit: 5, recorder: () => recorder });
    recorder.onBatch = (seconds, ok) => metrics.batchWritten(seconds, ok);
    const row = (i: number) => ({
      startedAt: Date.UTC(2026, 10, 1) + i, durationMs: 10, endpoint: 'chat/completions', model: KIMI, servingPath: 'standard', region: 'global',
      stream: false, status: 200, apiKey: 'abcd…wxyz', promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1, costTotalPico: 5,
    });
    try {
      assert.equal(recorder.journalLagBytes, 0);
      recorder.flush(); // the start-up replay of an empty journal
      for (let i = 0; i < 3; i++) recorder.record(row(i));
      let s = await scrape(metrics);
      assert.equal(sampleValue(s, 'meter_recorder_queue_depth'), 3);
      const lag = sampleValue(s, 'meter_journal_lag_bytes')!;
      assert.ok(lag > 100, `lag ${lag}`);
      assert.equal(lag, fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0));
      assert.equal(recorder.flush(), true);
      s = await scrape(metrics);
      assert.equal(sampleValue(s, 'meter_recorder_queue_depth'), 0);
      assert.equal(sampleValue(s, 'meter_journal_lag_bytes'), 0);
      assert.equal(sampleValue(s, 'meter_recorder_records_written_total'), 3);
      assert.equal(sampleValue(s, 'meter_db_write_duration_seconds_count', { outcome: 'ok' }), 2);
      assert.equal(sampleValue(s, 'meter_recorder_replaying'), 0);
      assert.equal(sampleValue(s, 'meter_recorder_consecutive_failed_writes'), 0);

      const other = new Database(file); // another process holding the write lock
      other.exec('BEGIN IMMEDIATE');
      recorder.record(row(3));
      assert.equal(recorder.flush(), false);
      other.exec('ROLLBACK');
      other.close();
      s = await scrape(metrics);
      assert.equal(sampleValue(s, 'meter_db_write_duration_seconds_count', { outcome: 'failed' }), 1);
      assert.equal(sampleValue(s, 'meter_recorder_consecutive_failed_writes'), 1);
      assert.equal(sampleValue(s, 'meter_recorder_queue_depth'), 1);
      assert.ok(sampleValue(s, 'meter_journal_lag_bytes')! > 0);
    } finally {
      recorder.close();
      db.$client.close();
    }
  });
});
