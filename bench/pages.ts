// `npm run bench:pages -- --scale=1m,10m`: p50/p95 of every /api/v1 endpoint the dashboard pages
// call, through the real server, over 7-day and 90-day ranges of a seeded database.
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { percentile, stop } from './harness';
import { BENCH_ADMIN_TOKEN, DAY, scaleArg, seededDatabase, serveSeeded } from './seeded-db';

const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice(7) ?? 20);

/** Every JSON endpoint a page calls with the filter query, with the page's own parameters (keep in step with components/). */
export const PAGE_ENDPOINTS = [
  'overview', 'spend/over-time', 'spend/by-model', 'spend/by-api-key', 'spend/by-tag', 'filter-options',
  'cache/over-time', 'cache/by-model', 'cache/by-api-key', 'cache/affinity', 'cache/worst-sessions',
  'rate-limits/over-time', 'rate-limits/headroom', 'requests', 'reports/summary?limit=20',
  // the request log's search: a typical session prefix, and an id that matches nothing (every hour looked up)
  'requests?q=search-session-127', 'requests?q=no-such-id',
  // a model by part of its name, the orders that read the whole range, and a row filter
  'requests?q=kimi', 'requests?sort=cost', 'requests?sort=duration&q=kimi', 'requests?minDurationMs=2000',
  // a zone whose local midnight falls inside a UTC hour (read from the quarter-hour rollup)
  'reports/summary?limit=20&tz=Asia%2FKolkata',
  // the summary per key only (no team, project, environment): the smaller per-key rollups
  'reports/summary?limit=20&detail=key', 'reports/summary?limit=20&detail=key&tz=Asia%2FKolkata',
];

async function main() {
  buildIfStale(process.cwd());
  for (const requests of scaleArg(process.argv)) {
    const file = seededDatabase(requests, 90);
    const { server, end: to } = await serveSeeded(file);
    for (const days of [7, 90]) {
      const from = new Date(to.getTime() - days * DAY);
      const query = `from=${from.toISOString()}&to=${to.toISOString()}&tz=Europe%2FBerlin`;
      for (const endpoint of PAGE_ENDPOINTS) {
        const own = endpoint.includes('tz=') ? query.replace(/&tz=[^&]*/, '') : query; // the endpoint's own zone instead of Berlin
        const times: number[] = [];
        for (let i = 0; i < RUNS + 2; i++) {
          const t0 = performance.now();
          const res = await fetch(`${server.url}/api/v1/${endpoint}${endpoint.includes('?') ? '&' : '?'}${own}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` } });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${endpoint}: ${res.status}`);
          if (i >= 2) times.push(performance.now() - t0); // the first two warm statement caches
        }
        times.sort((a, b) => a - b);
        const p95 = percentile(times, 95);
        const mark = p95 > (endpoint.startsWith('requests') ? 50 : 150) ? '  (over target)' : '';
        console.log(`${(requests / 1e6).toFixed(0).padStart(3)}M rows ${String(days).padStart(2)}d  ${endpoint.padEnd(26)} p50 ${percentile(times, 50).toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms${mark}`);
      }
    }
    await stop(server.child);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
