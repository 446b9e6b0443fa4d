/** Starts the Fireworks Serverless simulator on SIM_PORT (default 4010). */
import { startSimulator } from '../simulator/server';

async function main(): Promise<void> {
  const sim = await startSimulator({
    port: Number(process.env['SIM_PORT'] ?? 4010),
    host: process.env['SIM_HOST'] ?? '127.0.0.1',
    chunkDelayMs: Number(process.env['SIM_CHUNK_DELAY_MS'] ?? 0),
    rateLimitHeaderUnit: process.env['SIM_RATELIMIT_UNIT'] === 'tps' ? 'tps' : 'tpm',
    // benchmarks send far more than any real account's limits allow
    ...(process.env['SIM_UNLIMITED'] === '1' ? { startingLimits: { prompt: 1e12, uncached: 1e12, generated: 1e12 } } : {}),
  });
  console.log(`Fireworks simulator listening on ${sim.url}`);
  const stop = () => void sim.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
