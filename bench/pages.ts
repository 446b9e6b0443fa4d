// `npm run bench:pages -- --scale=1m,10m [--engine=sqlite|postgres|both] [--runs=20] [--no-build]`:
// p50/p95 of every /api/v1 endpoint the dashboard pages call, through the real server, over 7-day
// and 90-day ranges of a seeded database, served from its SQLite file or from a PostgreSQL copy of
// it (bench/pages-postgres.ts); `both` measures one after the other and prints PostgreSQL / SQLite.
// --no-build measures the existing dashboard build even if sources are newer.
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { percentile, stop } from './harness';
import { servePostgresCopy } from './pages-postgres';
import { BENCH_ADMIN_TOKEN, DAY, scaleArg, seededDatabase, serveSeeded } from './seeded-db';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg('runs') ?? 20);
const ENGINES = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] } as const;
type Engine = (typeof ENGINES)[keyof typeof ENGINES][number];

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

/** p50 and p95 in ms, keyed `${days}d ${endpoint}`. */
type Timings = Map<string, { p50: number; p95: number }>;

const RANGES = [7, 90];

async function measure(url: string, to: Date, label: string): Promise<Timings> {
  const timings: Timings = new Map();
  for (const days of RANGES) {
    const from = new Date(to.getTime() - days * DAY);
    const query = `from=${from.toISOString()}&to=${to.toISOString()}&tz=Europe%2FBerlin`;
    for (const endpoint of PAGE_ENDPOINTS) {
      const own = endpoint.includes('tz=') ? query.replace(/&tz=[^&]*/, '') : query; // the endpoint's own zone instead of Berlin
      const times: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/${endpoint}${endpoint.includes('?') ? '&' : '?'}${own}`, { headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` } });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${endpoint}: ${res.status}`);
        if (i >= 2) times.push(performance.now() - t0); // the first two warm statement caches
      }
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      const p95 = percentile(times, 95);
      timings.set(`${days}d ${endpoint}`, { p50, p95 });
      const mark = p95 > (endpoint.startsWith('requests') ? 50 : 150) ? '  (over target)' : '';
      console.log(`${label} ${String(days).padStart(2)}d  ${endpoint.padEnd(26)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms${mark}`);
    }
  }
  return timings;
}

async function measureOn(engine: Engine, file: string, label: string): Promise<Timings> {
  if (engine === 'sqlite') {
    const { server, end } = await serveSeeded(file);
    try {
      return await measure(server.url, end, `${label} sqlite  `);
    } finally {
      await stop(server.child);
    }
  }
  console.log(`${label}: copying ${file} into a throwaway PostgreSQL cluster...`);
  const served = await servePostgresCopy(file);
  try {
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    console.log(`${label}: copied ${served.copy.rows.toLocaleString()} rows in ${served.copy.seconds.toFixed(1)} s (${Math.round(served.copy.rowsPerSecond).toLocaleString()} rows/s); PostgreSQL database ${mb(served.postgresBytes)}, SQLite file ${mb(served.sqliteBytes)} (${(served.postgresBytes / served.sqliteBytes).toFixed(2)}x)`);
    return await measure(served.server.url, served.end, `${label} postgres`);
  } finally {
    await served.close();
  }
}

/** PostgreSQL beside SQLite, endpoint by endpoint and range by range, with the ratio PG / SQLite. */
function printComparison(label: string, sqlite: Timings, postgres: Timings): void {
  const ms = (n: number) => n.toFixed(1).padStart(7);
  const ratio = (pg: number, lite: number) => `${(pg / lite).toFixed(2)}x`.padStart(7);
  console.log(`\n${label}: p50 / p95 in ms, SQLite | PostgreSQL | PostgreSQL / SQLite`);
  for (const [key, lite] of sqlite) {
    const pg = postgres.get(key)!;
    console.log(`${key.padEnd(58)} ${ms(lite.p50)} ${ms(lite.p95)} | ${ms(pg.p50)} ${ms(pg.p95)} | ${ratio(pg.p50, lite.p50)} ${ratio(pg.p95, lite.p95)}`);
  }
}

async function main() {
  const engine = arg('engine') ?? 'sqlite';
  if (!(engine in ENGINES)) throw new Error(`--engine must be sqlite, postgres or both, not ${engine}`);
  if (!process.argv.includes('--no-build')) buildIfStale(process.cwd());
  for (const requests of scaleArg(process.argv)) {
    const file = seededDatabase(requests, 90);
    const label = `${(requests >= 1e6 ? `${(requests / 1e6).toFixed(0)}M` : `${(requests / 1e3).toFixed(0)}k`).padStart(3)} rows`;
    const results = new Map<Engine, Timings>();
    for (const one of ENGINES[engine as keyof typeof ENGINES]) results.set(one, await measureOn(one, file, label));
    if (results.size === 2) printComparison(label, results.get('sqlite')!, results.get('postgres')!);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
