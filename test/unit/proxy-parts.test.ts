import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamErrorCode } from '@/lib/proxy/gateway-error';
import { clientResponseHeaders, upstreamRequestHeaders } from '@/lib/proxy/headers';
import { upstreamTarget } from '@/lib/proxy/upstream-url';
import { fingerprintApiKey } from '@/lib/usage/api-key';
import { parseAnnotations } from '@/lib/usage/annotations';
import { readFireworksHeaders } from '@/lib/usage/headers';
import { cachedTokensDisagree, readPerfMetrics } from '@/lib/usage/perf-metrics';
import { readRequestFacts } from '@/lib/usage/request-facts';
import { normalizeAnthropicUsage, normalizeOpenAIUsage, normalizeUsage } from '@/lib/usage/usage';

const base = new URL('https://api.fireworks.ai/inference/v1');

describe('upstreamTarget', () => {
  it('maps paths and queries under the base', () => {
    const t = upstreamTarget('/inference/v1/chat/completions?x=1&y=%2F', base);
    assert.equal(t?.url.href, 'https://api.fireworks.ai/inference/v1/chat/completions?x=1&y=%2F');
    assert.equal(t?.subpath, 'chat/completions');
  });
  it('refuses anything that could leave the base', () => {
    for (const url of [
      '/inference/v1/../v2/x', '/inference/v1/%2e%2e/secret', '/inference/v1/a/%2E%2E/%2e%2e/b', '/inference/v1//evil.com/x',
      '/inference/v1/http://evil.com/x', '/inference/v1/..%5c..%5cx', '/inference/v1/', '/inference/v2/models', '/inference/v1/a/./b',
      '/inference/v1/%zz',
    ]) {
      assert.equal(upstreamTarget(url, base), undefined, url);
    }
  });
});

describe('headers', () => {
  it('forwards end-to-end headers and drops hop-by-hop ones', () => {
    const out = upstreamRequestHeaders(
      { authorization: 'Bearer k', 'x-session-affinity': 's1', 'fireworks-annotations': 'team=a', connection: 'keep-alive, x-drop', 'x-drop': '1', host: 'meter', 'transfer-encoding': 'chunked' },
      { 'content-length': '10' },
    );
    assert.deepEqual(out, { authorization: 'Bearer k', 'x-session-affinity': 's1', 'fireworks-annotations': 'team=a', 'content-length': '10' });
    assert.deepEqual(clientResponseHeaders({ 'x-request-id': 'r', 'content-length': '5', connection: 'close' }, ['content-length']), { 'x-request-id': 'r', 'x-content-type-options': 'nosniff' });
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    assert.equal(readFireworksHeaders({ 'retry-after': '7' }, 'tpm').retryAfterS, 7);
    assert.equal(readFireworksHeaders({ 'retry-after': new Date(Date.now() + 30_000).toUTCString() }, 'tpm').retryAfterS! >= 29, true);
    assert.equal(readFireworksHeaders({ 'retry-after': 'soon' }, 'tpm').retryAfterS, null);
    assert.equal(readFireworksHeaders({}, 'tpm').retryAfterS, null);
  });

  it('treats token counts past the bound as unknown, so no total can overflow', () => {
    const huge = String(9_007_199_254_740_991);
    const facts = readFireworksHeaders({ 'fireworks-prompt-tokens': huge, 'x-ratelimit-remaining-tokens-generated': '10000000001', 'fireworks-cached-prompt-tokens': '10000000000' }, 'tpm');
    assert.equal(facts.headerPromptTokens, null);
    assert.equal(facts.remainingGeneratedTokens, null);
    assert.equal(facts.headerCachedPromptTokens, 10_000_000_000);
    assert.equal(normalizeUsage('openai', { prompt_tokens: 9_007_199_254_740_991, completion_tokens: 5 }), undefined);
    assert.equal(normalizeUsage('anthropic', { input_tokens: 3, output_tokens: 1e11 }), undefined);
    assert.deepEqual(normalizeUsage('openai', { prompt_tokens: 1e10, completion_tokens: 5 }), { promptTokens: 1e10, cachedPromptTokens: 0, completionTokens: 5 });
  });

  it('reads Fireworks headers, converting seconds to ms and TPS limits to TPM when configured', () => {
    const headers = {
      'x-request-id': 'req-1', 'fireworks-prompt-tokens': '1200', 'fireworks-cached-prompt-tokens': '1024',
      'fireworks-server-time-to-first-token': '0.25', 'fireworks-server-processing-time': '0.044',
      'x-ratelimit-limit-tokens-prompt': '60000', 'x-ratelimit-limit-tokens-cache-adjusted-prompt': '15000',
      'x-ratelimit-limit-tokens-generated': '600', 'x-ratelimit-remaining-tokens-generated': '500', 'x-ratelimit-over-limit': 'no',
    };
    const tpm = readFireworksHeaders(headers, 'tpm');
    assert.equal(tpm.serverTtftMs, 250);
    assert.equal(tpm.serverProcessingMs, 44);
    assert.equal(tpm.limitPromptTpm, 60000);
    assert.equal(tpm.remainingGeneratedTokens, 500);
    assert.equal(tpm.headerCachedPromptTokens, 1024);
    const tps = readFireworksHeaders(headers, 'tps');
    assert.deepEqual([tps.limitPromptTpm, tps.limitUncachedPromptTpm, tps.limitGeneratedTpm], [3_600_000, 900_000, 36_000]);
    assert.equal(readFireworksHeaders({ 'fireworks-prompt-tokens': 'abc' }, 'tpm').headerPromptTokens, null);
  });

  it('finds the error code in Fireworks and Anthropic error bodies', () => {
    assert.equal(upstreamErrorCode('{"error":{"message":"m","code":"NOT_FOUND"}}'), 'NOT_FOUND');
    assert.equal(upstreamErrorCode('{"object":"error","type":"invalid_request_error","code":"invalid_request_error","message":"rate limit exceeded"}'), 'invalid_request_error');
    assert.equal(upstreamErrorCode('{"type":"error","error":{"type":"invalid_request_error","message":"x"}}'), 'invalid_request_error');
    assert.equal(upstreamErrorCode('{"error":"Too Many Requests","message":"x"}'), 'Too Many Requests');
    assert.equal(upstreamErrorCode('<html>'), null);
  });
});

describe('usage normalisation', () => {
  it('keeps OpenAI prompt_tokens (which include cached) and adds Anthropic cache reads to input', () => {
    assert.deepEqual(normalizeOpenAIUsage({ prompt_tokens: 1200, total_tokens: 1220, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 1024 } }), { promptTokens: 1200, cachedPromptTokens: 1024, completionTokens: 20 });
    assert.deepEqual(normalizeOpenAIUsage({ prompt_tokens: 9, total_tokens: 9 }), { promptTokens: 9, cachedPromptTokens: 0, completionTokens: 0 });
    assert.deepEqual(normalizeAnthropicUsage({ input_tokens: 176, output_tokens: 20, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 }), { promptTokens: 1200, cachedPromptTokens: 1024, completionTokens: 20 });
    assert.equal(normalizeOpenAIUsage(null), undefined);
    assert.equal(normalizeOpenAIUsage({ prompt_tokens: -1 }), undefined);
  });
});

describe('request facts', () => {
  it('never keeps the key, only a fingerprint with its last four characters', () => {
    const fp = fingerprintApiKey('Bearer fw_secret_key_abcd');
    assert.match(fp, /^[0-9a-f]{8}…abcd$/);
    assert.ok(!fp.includes('secret'));
    assert.equal(fingerprintApiKey(undefined), 'none');
  });

  it('parses Fireworks-Annotations tags', () => {
    assert.deepEqual(parseAnnotations('team=search, project=ranker,environment=prod,bogus'), { team: 'search', project: 'ranker', environment: 'prod', tags: 'team=search,project=ranker,environment=prod' });
    assert.deepEqual(parseAnnotations(undefined), { team: null, project: null, environment: null, tags: null });
  });

  it('takes session affinity from the header, then prompt_cache_key, then user', () => {
    const body = { model: 'accounts/fireworks/models/kimi-k3', user: 'u1', prompt_cache_key: 'pk', service_tier: 'priority', stream: true };
    const host = 'api.fireworks.ai';
    assert.equal(readRequestFacts('chat/completions', body, { 'x-session-affinity': 'hdr' }, host).sessionAffinity, 'hdr');
    assert.equal(readRequestFacts('chat/completions', body, {}, host).sessionAffinity, 'pk');
    assert.equal(readRequestFacts('chat/completions', { user: 'u1' }, {}, host).sessionAffinity, 'u1');
    const facts = readRequestFacts('chat/completions', body, {}, host);
    assert.equal(facts.servingPath, 'priority');
    assert.equal(facts.stream, true);
    assert.equal(readRequestFacts('messages', { model: 'accounts/fireworks/routers/kimi-k3-fast' }, {}, host).servingPath, 'fast');
  });
});

describe('perf_metrics and the cached-token check', () => {
  it('reads numbers or numeric strings, in our units', () => {
    assert.deepEqual(readPerfMetrics({ 'prompt-tokens': 1200, 'cached-prompt-tokens': '1024', 'server-time-to-first-token': '0.123', 'server-processing-time': 0.61 }), {
      promptTokens: 1200, cachedPromptTokens: 1024, serverTtftMs: 123, serverProcessingMs: 610,
    });
    assert.deepEqual(readPerfMetrics({ 'prompt-tokens': 'x', 'cached-prompt-tokens': -1 }), { promptTokens: null, cachedPromptTokens: null, serverTtftMs: null, serverProcessingMs: null });
    assert.equal(readPerfMetrics(undefined), undefined);
  });

  it('flags counts that disagree, and says nothing with fewer than two', () => {
    assert.equal(cachedTokensDisagree(1024, 1024, 1024), false);
    assert.equal(cachedTokensDisagree(0, 1024, undefined), true);
    assert.equal(cachedTokensDisagree(512, null, 1024), true);
    assert.equal(cachedTokensDisagree(512, null, undefined), null);
  });
});
