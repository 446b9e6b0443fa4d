import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export const KIMI = 'accounts/fireworks/models/kimi-k3';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/** One request over a plain socket, sent exactly as written (no client normalises the path). */
export function rawRequest(origin: string, method: string, target: string, headers: Record<string, string> = {}, body = ''): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${method} ${target}`)));
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const split = data.indexOf('\r\n\r\n');
      const head = split === -1 ? data : data.slice(0, split);
      const raw = split === -1 ? '' : data.slice(split + 4);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, body: /\r\ntransfer-encoding: chunked/i.test(head) ? dechunk(raw) : raw });
    });
    const lines = [`${method} ${target} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    if (body || method !== 'GET') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

function dechunk(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (eol === -1 || !size) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

export interface LoadResult {
  /** Response ids of calls whose response the client saw to its end with status 200. */
  completed: string[];
  failed: number;
}

/**
 * `concurrency` keep-alive clients, each sending calls one after another (every third streamed)
 * until `stop()` is true. Bounded by the caller's stop condition and a hard cap on calls.
 */
export async function runLoad(origin: string, { concurrency, stop, maxCalls = 200_000, headers = {} }: { concurrency: number; stop: () => boolean; maxCalls?: number; headers?: Record<string, string> }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { completed: [], failed: 0 };
  let sent = 0;
  const worker = async (w: number) => {
    while (!stop() && sent < maxCalls) {
      const stream = sent++ % 3 === 0;
      const outcome = await call(origin, agent, { model: KIMI, messages: [{ role: 'user', content: `load ${w} ${sent}` }], max_tokens: 8, stream }, headers);
      if (outcome) result.completed.push(outcome);
      else result.failed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  agent.destroy();
  return result;
}

/** One chat call; its response id when the whole response arrived with status 200. */
export function call(origin: string, agent: http.Agent | undefined, payload: object, headers: Record<string, string> = {}): Promise<string | undefined> {
  const body = JSON.stringify(payload);
  return new Promise((resolve) => {
    const req = http.request(
      new URL('/inference/v1/chat/completions', origin),
      { method: 'POST', agent, headers: { authorization: 'Bearer fw_load_key', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          if (res.statusCode !== 200) return resolve(undefined);
          const id = /"id"\s*:\s*"([^"]+)"/.exec(text)?.[1];
          const whole = !String(res.headers['content-type']).includes('event-stream') || text.includes('[DONE]');
          resolve(whole ? id : undefined);
        });
        res.on('error', () => resolve(undefined));
        res.on('aborted', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
