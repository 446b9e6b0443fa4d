import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';

/** Starts a child process and resolves with the first URL it prints matching `pattern`. */
export async function startProcess(command: string, args: string[], pattern: RegExp, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) resolve({ url: m[1]!, child });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out}`)));
  });
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export interface LoadResult {
  requests: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  ttfbP50?: number;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sends `total` requests with `concurrency` in flight over keep-alive connections; latency is to the last body byte. */
export async function load(origin: string, path: string, headers: Record<string, string>, body: string, total: number, concurrency: number): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  const ttfbs: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      next++;
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body });
      let first = true;
      let text = '';
      for await (const chunk of res.body) {
        if (first) ttfbs.push(performance.now() - t0);
        first = false;
        if (res.statusCode !== 200) text += String(chunk);
      }
      if (res.statusCode !== 200) throw new Error(`status ${res.statusCode} from ${origin}${path}: ${text.slice(0, 300)}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  ttfbs.sort((a, b) => a - b);
  return { requests: total, seconds, throughput: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ttfbP50: ttfbs.length ? percentile(ttfbs, 50) : undefined };
}

export const ms = (n: number) => `${n.toFixed(2)} ms`;
