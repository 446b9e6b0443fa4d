// `npm start` / `npm run demo`: build the dashboard when needed, then run Meter (or the demo).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
buildIfStale(root);

const entry = process.argv.includes('--demo') ? 'scripts/demo.ts' : 'server.ts';
const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
