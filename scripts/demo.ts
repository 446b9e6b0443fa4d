// `npm run demo`: Meter in front of the Fireworks simulator, with traffic from several teams and
// keys on every serving path, so the dashboard has data at once. Ctrl-C stops everything.
import { setMaxListeners } from 'node:events';
import { query } from '@/lib/analytics/engine/run';
import { sql } from '@/lib/analytics/engine/sql';
import { loadConfig } from '@/lib/config';
import { seedHistory } from '@/lib/seed/seed-history';
import { runMeterProcess } from '@/lib/server/run';
import { startSimulator } from '@/simulator/server';
import { runTraffic } from '@/simulator/traffic';

async function main() {
  const sim = await startSimulator({ port: Number(process.env.SIM_PORT ?? 0), chunkDelayMs: 5 });
  const config = loadConfig({ DATABASE_URL: 'file:./data/demo.db', ...process.env, FIREWORKS_BASE_URL: sim.url });
  console.log(`Fireworks simulator on ${sim.url} (demo data goes to ${config.DATABASE_URL})`);
  const meter = await runMeterProcess(config);
  const { runtime } = meter;
  const [{ n: existing } = { n: 0 }] = await query<{ n: number }>(runtime.db, sql`SELECT count(*) AS n FROM requests`);
  if (Number(existing) < 1000) {
    // a month of history so every chart has a shape at once; live calls below add to it
    const seeded = await seedHistory(runtime.db, { requests: 60_000, days: 30, seed: 7 });
    console.log(`Demo history: ${seeded.toLocaleString()} synthetic calls over the last 30 days.`);
  }

  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every in-flight demo call listens for Ctrl-C
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const first = await runTraffic({ meterOrigin: meter.origin, requests: 400, concurrency: 8, seed: Date.now() % 100_000, signal: stop.signal });
  console.log(`Demo traffic: ${first.sent} calls sent (${first.failed} of them planned errors); a trickle continues until you stop.`);
  for (let round = 1; !stop.signal.aborted; round++) {
    await new Promise((r) => setTimeout(r, 3000));
    if (stop.signal.aborted) break;
    await runTraffic({ meterOrigin: meter.origin, requests: 12, concurrency: 3, seed: round, signal: stop.signal }).catch(() => undefined);
  }
  await sim.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
