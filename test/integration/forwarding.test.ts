import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { recordedRows, rowWhere, startMeterProcess, type MeterProcess } from './harness';

/** An upstream that keeps the exact bytes and headers it was sent, and answers a small stream. */
interface Captured {
  body: Buffer;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
}
let captured: Captured[] = [];
let upstream: http.Server;
let meter: MeterProcess;

before(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      captured.push({ body, headers: req.headers, rawHeaders: req.rawHeaders });
      const streamed = body.includes('"stream":true');
      const id = `cap-${captured.length}`;
      if (req.headers['x-test-mismatch']) {
        // usage and perf_metrics say 5 cached tokens, the header says 7
        res.writeHead(200, { 'content-type': 'application/json', 'fireworks-cached-prompt-tokens': '7' });
        return res.end(JSON.stringify({ id, choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 5 } }, perf_metrics: { 'prompt-tokens': '9', 'cached-prompt-tokens': '5', 'server-processing-time': '0.2' } }));
      }
      if (req.headers['x-test-gzip']) {
        // An upstream that compresses although Meter asked for identity.
        const payload = streamed
          ? `data: {"id":"${id}","choices":[{"index":0,"delta":{"content":"x"}}]}\n\ndata: {"id":"${id}","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2}}\n\ndata: [DONE]\n\n`
          : JSON.stringify({ id, choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } });
        res.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json', 'content-encoding': 'gzip' });
        return res.end(gzipSync(payload));
      }
      if (!streamed) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }));
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: {"id":"${id}","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n`);
      res.write(`data: {"id":"${id}","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const { port } = upstream.address() as net.AddressInfo;
  meter = await startMeterProcess({ FIREWORKS_BASE_URL: `http://127.0.0.1:${port}/inference/v1` });
});

after(async () => {
  await meter?.stop();
  await new Promise((r) => upstream.close(r));
});

function post(body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string; bytes: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/inference/v1/chat/completions', meter.origin), { method: 'POST', headers: { authorization: 'Bearer fw_fwd', 'content-type': 'application/json', 'content-length': body.length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString(), bytes: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const TRICKY = '"model":"accounts/fireworks/models/kimi-k3","seed":12345678901234567890,"t":1e400,"dup":1,"dup":2,"u":"\\u00e9\\ud83d\\ude00","text":"日本語 é","messages":[{"role":"user","content":"hi"}]';

describe('byte-exact forwarding', () => {
  it('sends a non-streamed body upstream byte for byte, invalid UTF-8 included', async () => {
    captured = [];
    const body = Buffer.concat([Buffer.from(`{${TRICKY},"bad":"`), Buffer.from([0xff, 0xc3]), Buffer.from('"}')]);
    assert.equal((await post(body)).status, 200);
    assert.ok(captured[0]!.body.equals(body), captured[0]!.body.toString('latin1'));
  });

  it('splices include_usage into a streamed body without re-encoding anything else, and hides the extra chunk', async () => {
    captured = [];
    const body = Buffer.from(`{${TRICKY},"stream":true}`);
    const res = await post(body);
    assert.equal(res.status, 200);
    assert.equal(captured[0]!.body.toString(), `{"stream_options":{"include_usage":true},${TRICKY},"stream":true}`);
    assert.doesNotMatch(res.body, /"usage"/, 'the client did not ask for usage and sees none');
    const [row] = (await recordedRows(meter.dbFile, 1)).filter((r) => r.upstream_id === 'cap-1');
    assert.equal(row?.prompt_tokens, 3);
  });

  it('reads usage from an upstream that compresses anyway; the client gets the compressed bytes', async () => {
    for (const stream of [false, true]) {
      captured = [];
      const res = await post(Buffer.from(JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'z' }], stream })), { 'x-test-gzip': '1' });
      assert.equal(res.headers['content-encoding'], 'gzip');
      assert.match(gunzipSync(res.bytes).toString(), /"prompt_tokens":7/);
      const id = `cap-${captured.length}`;
      const row = await rowWhere(meter.dbFile, (r) => r.upstream_id === id && r.prompt_tokens === 7, id);
      assert.equal(row.completion_tokens, 2, `stream=${stream}`);
    }
  });

  it('keeps perf_metrics and flags a call whose cached-token counts disagree', async () => {
    captured = [];
    await post(Buffer.from(JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'm' }], perf_metrics_in_response: true })), { 'x-test-mismatch': '1' });
    const id = `cap-${captured.length}`;
    const row = await rowWhere(meter.dbFile, (r) => r.upstream_id === id && r.prompt_tokens === 9, id);
    assert.equal(row.cached_tokens_disagree, 1);
    assert.equal(row?.perf_cached_prompt_tokens, 5);
    assert.equal(row?.perf_server_processing_ms, 200);
    assert.equal(row?.header_cached_prompt_tokens, 7);
  });

  it('passes non-ASCII header bytes unchanged', async () => {
    captured = [];
    const res = await rawExchange(`POST /inference/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fw_fwd\r\nContent-Type: application/json\r\nX-Note: caf\xe9 \xfc\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    assert.match(res, /^HTTP\/1\.1 200/);
    const note = captured[0]!.rawHeaders[captured[0]!.rawHeaders.findIndex((h) => h.toLowerCase() === 'x-note') + 1];
    assert.equal(Buffer.from(note!, 'latin1').toString('hex'), Buffer.from('caf\xe9 \xfc', 'latin1').toString('hex'));
  });

  it('answers Expect: 100-continue and forwards a 2 MiB body end to end', async () => {
    captured = [];
    const body = Buffer.from(JSON.stringify({ model: 'accounts/fireworks/models/kimi-k3', messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }));
    const { port } = new URL(meter.origin);
    const socket = net.connect(Number(port), '127.0.0.1');
    let data = '';
    let sent = false;
    socket.on('data', (d) => {
      data += d.toString('latin1');
      if (data.includes('100 Continue') && !sent) {
        sent = true;
        socket.write(body);
      }
    });
    socket.write(`POST /inference/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fw_fwd\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    await new Promise((r) => socket.on('close', r));
    assert.match(data, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    assert.equal(captured[0]!.body.length, body.length);
    assert.equal(captured[0]!.headers.expect, undefined);
  });
});

function rawExchange(request: string): Promise<string> {
  const { port } = new URL(meter.origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), '127.0.0.1');
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(Buffer.from(request, 'latin1'));
  });
}
