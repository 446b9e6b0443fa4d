import next from 'next';
import type { MeterConfig } from '@/lib/config';
import { startMeter, type RunningMeter } from './meter';

/** Starts Meter with the Next.js dashboard, prints where to go, and stops cleanly on SIGTERM/SIGINT. */
export async function runMeterProcess(config: MeterConfig, { dev = false } = {}): Promise<RunningMeter> {
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  const nextApp = next({ dev, dir: process.cwd() });
  await nextApp.prepare();
  const meter = await startMeter({ config, app: nextApp.getRequestHandler(), dev });

  console.log(`Fireworks Meter listening on ${meter.origin}`);
  console.log(`  proxy:     ${meter.origin}/inference/v1  (upstream ${config.FIREWORKS_BASE_URL})`);
  console.log(
    config.METER_ADMIN_TOKEN
      ? `  dashboard: ${meter.origin}/login (token from METER_ADMIN_TOKEN)`
      : `  dashboard: ${meter.origin}/api/login?token=${meter.adminToken}`,
  );
  if (config.METER_METRICS_TOKEN) console.log(`  metrics:   ${meter.origin}/metrics (Authorization: Bearer <METER_METRICS_TOKEN>)`);
  if (meter.metricsOrigin) console.log(`  metrics:   ${meter.metricsOrigin}/metrics (no token; loopback only)`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight calls and writing queued records...`);
    await meter.close();
    await Promise.race([nextApp.close().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    console.log(`Stopped; ${meter.recorder.written} records written this run.`);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return meter;
}
