// `npm test`: every test there is. Installs Debian's Chromium for the browser tests when it is
// missing and we run as root; otherwise says what to do.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildIfStale } from './build-if-stale.mjs';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = '1';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(label, command, args) {
  console.log(`\n=== ${label}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || spawnSync('which', ['apt-get']).status !== 0) {
    console.error(
      `Chromium is needed for the browser tests and was not found at ${CHROMIUM}.\n` +
        'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium binary, then run `npm test` again.',
    );
    process.exit(1);
  }
  run('Installing Debian chromium', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null']);
}

// The PostgreSQL tests start a throwaway cluster (test/support/postgres.ts) from Debian's server binaries.
function ensurePostgres() {
  const root = '/usr/lib/postgresql';
  const installed = process.env.METER_PG_BIN || (fs.existsSync(root) && fs.readdirSync(root).some((v) => fs.existsSync(path.join(root, v, 'bin/initdb'))));
  if (installed) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || spawnSync('which', ['apt-get']).status !== 0) {
    console.error(
      `PostgreSQL (14 or later) is needed for the PostgreSQL tests and was not found under ${root}.\n` +
        'Install it with `sudo apt-get install -y postgresql` (Debian/Ubuntu), or point METER_PG_BIN at a directory holding initdb and pg_ctl, then run `npm test` again.',
    );
    process.exit(1);
  }
  run('Installing Debian postgresql', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null']);
}

ensureChromium();
ensurePostgres();
run('Type check', 'npx', ['tsc', '--noEmit', '-p', '.']);
buildIfStale(root);
const tsxTest = (dir, extra = []) => ['--import', 'tsx', '--test', ...extra, ...fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join(dir, f))];
run('Unit tests', process.execPath, tsxTest('test/unit'));
run('Integration tests', process.execPath, tsxTest('test/integration', ['--test-concurrency=1']));
run('Browser tests (SQLite)', 'npx', ['playwright', 'test']);
process.env.METER_E2E_ENGINE = 'postgres';
run('Browser tests (PostgreSQL)', 'npx', ['playwright', 'test']);
console.log('\nAll test suites passed.');
