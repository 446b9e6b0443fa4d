// `npm run bench:browser -- --scale=10m`: each dashboard page opened in Chromium as a user would, on a
// seeded database, timed from navigation until every panel has its data (no "Loading…" left).
// The reference is the Settings page, which asks the analytics nothing heavy.
import { chromium } from '@playwright/test';
import { buildIfStale } from '../scripts/build-if-stale.mjs';
import { percentile, stop } from './harness';
import { BENCH_ADMIN_TOKEN, DAY, scaleArg, seededDatabase, serveSeeded } from './seeded-db';

const RUNS = 5;
const PAGES = ['/settings', '/', '/cache', '/rate-limits', '/requests', '/reports'];

async function main() {
  buildIfStale(process.cwd());
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  for (const requests of scaleArg(process.argv)) {
    const file = seededDatabase(requests, 90);
    const { server, end: to } = await serveSeeded(file);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/api/login?token=${BENCH_ADMIN_TOKEN}`);
    for (const days of [7, 90]) {
      const range = `range=custom&from=${new Date(to.getTime() - days * DAY).toISOString()}&to=${to.toISOString()}`;
      for (const path of PAGES) {
        const times: number[] = [];
        for (let i = 0; i < RUNS + 1; i++) {
          const t0 = performance.now();
          await page.goto(`${server.url}${path}?${range}`);
          await page.waitForFunction(() => document.querySelector('main') && !document.querySelector('[aria-busy="true"]'), null, { timeout: 60_000 });
          if (i > 0) times.push(performance.now() - t0); // the first load warms the server
        }
        times.sort((a, b) => a - b);
        console.log(`${(requests / 1e6).toFixed(0).padStart(3)}M rows ${String(days).padStart(2)}d  ${path.padEnd(13)} median ${percentile(times, 50).toFixed(0).padStart(5)} ms  slowest ${times.at(-1)!.toFixed(0).padStart(5)} ms`);
      }
    }
    await context.close();
    await stop(server.child);
  }
  await browser.close();
}

void main();
