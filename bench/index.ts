// `npm run bench`: every benchmark in one run (the browser one needs Chromium, as the tests do). Pass --scale=1m to skip the 10M-row figures.
import { spawnSync } from 'node:child_process';

const extra = process.argv.slice(2);
for (const script of ['proxy', 'recorder', 'recorder-replicas', 'export', 'pages', 'browser']) {
  console.log(`\n===== bench/${script}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${script}.ts`, ...extra], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
