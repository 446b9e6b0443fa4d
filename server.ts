// Entry point: one process serves the recording proxy and the Next.js dashboard on one port.
import { loadConfig } from '@/lib/config';
import { runMeterProcess } from '@/lib/server/run';

runMeterProcess(loadConfig(), { dev: process.argv.includes('--dev') }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
