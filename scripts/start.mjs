// `npm start` / `npm run demo`: build the dashboard when it is missing or older than the sources, then run.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

process.env.NEXT_TELEMETRY_DISABLED = '1';
const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(target).map((name) => newestMtime(path.join(target, name))));
}

export function buildIsStale() {
  const buildId = '.next/BUILD_ID';
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return ['app', 'components', 'lib', 'db', 'next.config.mjs', 'package-lock.json'].some((p) => newestMtime(p) > built);
}

if (buildIsStale()) {
  console.log('Building the dashboard (first start, or sources changed)...');
  const build = spawnSync('npx', ['next', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const entry = process.argv.includes('--demo') ? 'scripts/demo.ts' : 'server.ts';
const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
