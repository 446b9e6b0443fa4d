// `npm run bench:proxy`: latency Meter adds, and throughput, against calling the simulator directly,
// a bare Node passthrough (the reference) and @portkey-ai/gateway, all in one run on this machine.
import { startPostgres } from '../test/support/postgres';
import { load, ms, startProcess, stop, type LoadResult } from './harness';

const quick = process.argv.includes('--quick');
const N1 = quick ? 300 : 2000;
const N50 = quick ? 2000 : 10000;
const STREAMS = quick ? 100 : 400;

const body = JSON.stringify({ model: 'accounts/fireworks/models/glm-5p2', messages: [{ role: 'user', content: 'Benchmark me' }], max_tokens: 32 });
const streamBody = JSON.stringify({ model: 'accounts/fireworks/models/glm-5p2', messages: [{ role: 'user', content: 'Benchmark me' }], max_tokens: 32, stream: true });

async function main() {
  const sim = await startProcess(process.execPath, ['--import', 'tsx', 'scripts/simulator.ts'], /listening on (http:\/\/\S+)\/inference\/v1/, { SIM_PORT: '0', SIM_CHUNK_DELAY_MS: '0', SIM_UNLIMITED: '1' });
  const upstream = sim.url;
  const bare = await startProcess(process.execPath, ['--import', 'tsx', 'bench/bare-proxy.ts'], /bare proxy on (http:\/\/\S+)/, { UPSTREAM: upstream });
  const meter = await startProcess(process.execPath, ['--import', 'tsx', 'bench/meter-proxy.ts'], /meter proxy on (http:\/\/\S+)/, { FIREWORKS_BASE_URL: `${upstream}/inference/v1` });
  const unjournaled = await startProcess(process.execPath, ['--import', 'tsx', 'bench/meter-proxy.ts'], /meter proxy on (http:\/\/\S+)/, { FIREWORKS_BASE_URL: `${upstream}/inference/v1`, BENCH_WITHOUT_JOURNAL: '1' });
  const budgeted = await startProcess(process.execPath, ['--import', 'tsx', 'bench/meter-proxy.ts'], /meter proxy on (http:\/\/\S+)/, { FIREWORKS_BASE_URL: `${upstream}/inference/v1`, BENCH_BUDGETS: '100' });
  // the same Meter recording to PostgreSQL (a throwaway cluster on this machine, fsync off)
  const cluster = await startPostgres();
  const onPostgres = await startProcess(process.execPath, ['--import', 'tsx', 'bench/meter-proxy.ts'], /meter proxy on (http:\/\/\S+)/, { FIREWORKS_BASE_URL: `${upstream}/inference/v1`, BENCH_DATABASE_URL: cluster.url });
  const portkey = await startProcess(process.execPath, ['node_modules/@portkey-ai/gateway/build/start-server.js', '--port=8797', '--headless'], /running at:\s*(http:\/\/\S+)/, { TRUSTED_CUSTOM_HOSTS: '127.0.0.1', NODE_ENV: 'production' });

  const auth = { authorization: 'Bearer fw_bench_key' };
  const targets: Record<string, { origin: string; path: string; headers: Record<string, string> }> = {
    direct: { origin: upstream, path: '/inference/v1/chat/completions', headers: auth },
    'bare node': { origin: bare.url, path: '/inference/v1/chat/completions', headers: auth },
    meter: { origin: meter.url, path: '/inference/v1/chat/completions', headers: auth },
    'meter, pg': { origin: onPostgres.url, path: '/inference/v1/chat/completions', headers: auth },
    'no journal': { origin: unjournaled.url, path: '/inference/v1/chat/completions', headers: auth },
    '100 budgets': { origin: budgeted.url, path: '/inference/v1/chat/completions', headers: auth },
    portkey: { origin: 'http://127.0.0.1:8797', path: '/v1/chat/completions', headers: { ...auth, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/inference/v1` } },
  };

  const results: Record<string, { c1: LoadResult; c50: LoadResult; stream: LoadResult | undefined }> = {};
  for (const [name, t] of Object.entries(targets)) {
    await load(t.origin, t.path, t.headers, body, 200, 10); // warm-up: connections, JIT
    const c1 = await load(t.origin, t.path, t.headers, body, N1, 1);
    const c50 = await load(t.origin, t.path, t.headers, body, N50, 50);
    // @portkey-ai/gateway 1.15.2 fails every streamed call on Node 20 ("TypeError: immutable" in its header handling)
    const stream = await load(t.origin, t.path, t.headers, streamBody, STREAMS, 1).catch((error: Error) => {
      console.log(`${name}: streaming failed: ${error.message.slice(0, 120)}`);
      return undefined;
    });
    results[name] = { c1, c50, stream };
    console.log(`${name.padEnd(10)} c=1 p50 ${ms(c1.p50)} p99 ${ms(c1.p99)} | c=50 p50 ${ms(c50.p50)} p99 ${ms(c50.p99)} ${c50.throughput.toFixed(0)} req/s | stream TTFB p50 ${stream ? ms(stream.ttfbP50!) : 'n/a'}`);
  }

  const direct = results.direct!;
  console.log('\nAdded latency over calling the simulator directly (p50 / p99), and throughput at c=50 relative to the bare Node passthrough:');
  for (const [name, r] of Object.entries(results)) {
    if (name === 'direct') continue;
    console.log(
      `${name.padEnd(10)} c=1 +${ms(r.c1.p50 - direct.c1.p50)} / +${ms(r.c1.p99 - direct.c1.p99)}   c=50 +${ms(r.c50.p50 - direct.c50.p50)} / +${ms(r.c50.p99 - direct.c50.p99)}   ` +
        `throughput ${r.c50.throughput.toFixed(0)} req/s = ${(r.c50.throughput / results['bare node']!.c50.throughput).toFixed(2)}x bare, ${(r.c50.throughput / results.portkey!.c50.throughput).toFixed(2)}x portkey   ` +
        `stream TTFB ${r.stream ? `+${ms(r.stream.ttfbP50! - direct.stream!.ttfbP50!)}` : 'n/a'}`,
    );
  }
  const journaled = results.meter!;
  const plain = results['no journal']!;
  console.log(
    `\nCall journal: c=1 p50 ${ms(journaled.c1.p50)} vs ${ms(plain.c1.p50)} without it (+${ms(journaled.c1.p50 - plain.c1.p50)}); ` +
      `c=50 ${journaled.c50.throughput.toFixed(0)} vs ${plain.c50.throughput.toFixed(0)} req/s = ${(journaled.c50.throughput / plain.c50.throughput).toFixed(2)}x`,
  );
  const enforced = results['100 budgets']!;
  console.log(
    `Budget enforcement (100 blocking budgets, 50 covering every call): c=1 p50 ${ms(enforced.c1.p50)} vs ${ms(journaled.c1.p50)} without budgets (+${ms(enforced.c1.p50 - journaled.c1.p50)}); ` +
      `c=50 ${enforced.c50.throughput.toFixed(0)} vs ${journaled.c50.throughput.toFixed(0)} req/s = ${(enforced.c50.throughput / journaled.c50.throughput).toFixed(2)}x`,
  );
  const pg = results['meter, pg']!;
  console.log(
    `Recording to PostgreSQL: c=1 p50 ${ms(pg.c1.p50)} vs ${ms(journaled.c1.p50)} on SQLite; ` +
      `c=50 ${pg.c50.throughput.toFixed(0)} vs ${journaled.c50.throughput.toFixed(0)} req/s = ${(pg.c50.throughput / journaled.c50.throughput).toFixed(2)}x SQLite, ${(pg.c50.throughput / results['bare node']!.c50.throughput).toFixed(2)}x bare`,
  );
  await Promise.all([stop(budgeted.child), stop(unjournaled.child), stop(onPostgres.child), stop(portkey.child), stop(meter.child), stop(bare.child), stop(sim.child)]);
  await cluster.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
