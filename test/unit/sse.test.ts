import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SseEventFramer } from '@/lib/proxy/sse-framer';
import { StreamTap } from '@/lib/proxy/stream-tap';

const enc = new TextEncoder();
const dec = new TextDecoder();

const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
const openAIStream = [
  chunk({ id: 'cmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: 'Héllo → ' } }], usage: null }),
  chunk({ id: 'cmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'wörld 🎆' }, finish_reason: 'stop' }], usage: null }),
  chunk({ id: 'cmpl-1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 1200, total_tokens: 1220, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 1024 } } }),
  'data: [DONE]\n\n',
].join('');

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

function seededCuts(length: number, seed: number): number[] {
  let s = seed;
  const cuts: number[] = [];
  for (let i = 0; i < 12; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    cuts.push(s % length);
  }
  return cuts;
}

function runTap(tap: StreamTap, pieces: Uint8Array[]): string {
  const out: Uint8Array[] = [];
  for (const p of pieces) out.push(...tap.push(p));
  const rest = tap.end();
  if (rest) out.push(rest);
  return out.map((b) => dec.decode(b)).join('');
}

describe('SseEventFramer', () => {
  const text = 'data: a\n\ndata: b\r\n\r\nevent: x\rdata: c\r\rdata: tail';
  it('returns whole events with their own bytes, for LF, CRLF and CR line ends', () => {
    const framer = new SseEventFramer();
    const events = framer.push(enc.encode(text)).map((e) => dec.decode(e.bytes));
    assert.deepEqual(events, ['data: a\n\n', 'data: b\r\n\r\n', 'event: x\rdata: c\r\r']);
    assert.equal(dec.decode(framer.flush()!), 'data: tail');
  });

  it('gives the same events fed one byte at a time', () => {
    const framer = new SseEventFramer();
    const bytes = enc.encode(text);
    const events: string[] = [];
    for (let i = 0; i < bytes.length; i++) events.push(...framer.push(bytes.subarray(i, i + 1)).map((e) => dec.decode(e.bytes)));
    const joined = events.join('') + dec.decode(framer.flush() ?? new Uint8Array());
    assert.equal(joined, text);
    assert.equal(events.length, 3);
  });
});

describe('StreamTap', () => {
  const bytes = enc.encode(openAIStream);

  it('reads usage and id, byte by byte and at random splits, forwarding every byte when Meter did not inject', () => {
    const splits = [Array.from({ length: bytes.length }, (_, i) => i), ...[1, 2, 3, 4, 5].map((seed) => seededCuts(bytes.length, seed))];
    for (const cuts of splits) {
      const tap = new StreamTap('openai', false);
      assert.equal(runTap(tap, splitAt(bytes, cuts)), openAIStream);
      assert.deepEqual(tap.usage, { promptTokens: 1200, cachedPromptTokens: 1024, completionTokens: 20 });
      assert.equal(tap.responseId, 'cmpl-1');
    }
  });

  it('removes only the usage-only chunk when Meter asked for usage itself', () => {
    for (const seed of [7, 8, 9]) {
      const tap = new StreamTap('openai', true);
      const out = runTap(tap, splitAt(bytes, seededCuts(bytes.length, seed)));
      const parts = openAIStream.split(/(?<=\n\n)/);
      assert.equal(out, [parts[0], parts[1], parts[3]].join(''));
      assert.equal(tap.usage?.promptTokens, 1200);
    }
  });

  it('keeps usage that rides on the finish_reason chunk (documented shape)', () => {
    const stream = [
      chunk({ id: 'c2', choices: [{ index: 0, text: 'x', finish_reason: null }], usage: null }),
      chunk({ id: 'c2', choices: [{ index: 0, text: 'y', finish_reason: 'stop' }], usage: { prompt_tokens: 7, total_tokens: 24, completion_tokens: 17 } }),
      'data: [DONE]\n\n',
    ].join('');
    const tap = new StreamTap('openai', true);
    assert.equal(runTap(tap, [enc.encode(stream)]), stream);
    assert.deepEqual(tap.usage, { promptTokens: 7, cachedPromptTokens: 0, completionTokens: 17 });
  });

  it('reads Anthropic usage from message_delta (input + cache reads), not the zeros in message_start', () => {
    const ev = (type: string, o: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
    const stream = [
      ev('message_start', { message: { id: 'msg_1', usage: { input_tokens: 0, output_tokens: 0 } } }),
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'hi' } }),
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { input_tokens: 176, output_tokens: 20, cache_read_input_tokens: 1024, cache_creation_input_tokens: 0 } }),
      ev('message_stop', {}),
    ].join('');
    const tap = new StreamTap('anthropic', false);
    assert.equal(runTap(tap, splitAt(enc.encode(stream), seededCuts(stream.length, 3))), stream);
    assert.deepEqual(tap.usage, { promptTokens: 1200, cachedPromptTokens: 1024, completionTokens: 20 });
    assert.equal(tap.responseId, 'msg_1');
  });

  it('leaves usage unknown when a stream is cut before it arrives', () => {
    const tap = new StreamTap('openai', false);
    runTap(tap, [bytes.subarray(0, 60)]);
    assert.equal(tap.usage, undefined);
  });
});

describe('SseEventFramer holds at most one event', () => {
  it('passes a stream without blank lines on as it arrives, byte for byte, and frames the next event again', () => {
    const framer = new SseEventFramer(64 * 1024);
    const big = new Uint8Array(20 * 1024 * 1024).fill(0x61); // 20 MB of "a", no line end
    let forwarded = 0;
    let mostHeld = 0;
    for (let at = 0; at < big.length; at += 65_536) {
      const frames = framer.push(big.subarray(at, at + 65_536));
      forwarded += frames.reduce((n, f) => n + f.bytes.length, 0);
      mostHeld = Math.max(mostHeld, at + 65_536 - forwarded);
      assert.ok(frames.every((f) => !f.whole));
    }
    assert.ok(mostHeld <= 64 * 1024 + 65_536, `held ${mostHeld} bytes`);
    const end = framer.push(enc.encode('\n\ndata: {"x":1}\n\n'));
    assert.deepEqual(end.map((f) => f.whole), [false, true]);
    assert.equal(forwarded + end.reduce((n, f) => n + f.bytes.length, 0), big.length + 17);
    assert.equal(dec.decode(end[1]!.bytes), 'data: {"x":1}\n\n');
  });

  it('still reads usage after an oversized event', () => {
    const tap = new StreamTap('openai', false);
    const huge = `data: {"id":"cmpl-9","pad":"${'x'.repeat(2 * 1024 * 1024)}"}\n\n`;
    const out = runTap(tap, splitAt(enc.encode(huge + openAIStream), seededCuts(huge.length, 3)));
    assert.equal(out, huge + openAIStream);
    assert.equal(tap.usage?.promptTokens, 1200);
    assert.equal(tap.ended, true);
  });
});

describe('StreamTap and perf_metrics', () => {
  it('reads perf_metrics from the final chunk, also when that chunk carries no usage (opt-in shape)', () => {
    const tap = new StreamTap('openai', true);
    const stream = [
      chunk({ id: 'c-7', choices: [{ index: 0, delta: { content: 'hi' } }] }),
      chunk({ id: 'c-7', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], perf_metrics: { 'prompt-tokens': 90, 'cached-prompt-tokens': 64, 'server-time-to-first-token': 0.05 } }),
      chunk({ id: 'c-7', choices: [], usage: { prompt_tokens: 90, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 64 } } }),
      'data: [DONE]\n\n',
    ].join('');
    runTap(tap, [enc.encode(stream)]);
    assert.deepEqual(tap.perfMetrics, { promptTokens: 90, cachedPromptTokens: 64, serverTtftMs: 50, serverProcessingMs: null });
  });
});
