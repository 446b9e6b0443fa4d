// `npm run bench:export -- --scale=1m,10m`: request-level CSV rows per second and peak RSS, streamed
// to nowhere, against the reference: the same rows, in the same order and keyset pages, read into
// JS without formatting. SQLite writes the CSV lines itself, so the CSV can beat the reference.
import { spawnSync } from 'node:child_process';
import { openDatabase } from '@/db/client';
import { requestsCsvStream, requestsInRange } from '@/lib/export/requests-csv';
import { DAY, scaleArg, seededDatabase } from './seeded-db';

async function main() {
  const scales = scaleArg(process.argv);
  if (scales.length > 1) {
    // one process per scale: peak RSS is a process's high-water mark, and the first scale's would stay
    for (const requests of scales) spawnSync(process.execPath, ['--import', 'tsx', 'bench/export.ts', `--scale=${requests / 1000}k`], { stdio: 'inherit' });
    return;
  }
  for (const requests of scales) {
    const file = seededDatabase(requests, 90);
    const db = openDatabase(file);
    const from = new Date(Date.now() - 400 * DAY);
    const to = new Date(Date.now() + DAY);
    let t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let bytes = 0;
    const reader = requestsCsvStream(db, from, to).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    const csvSeconds = (performance.now() - t0) / 1000;
    // CPU time too: on a shared machine the wall clock also counts other processes' turns
    const { user, system } = process.cpuUsage(cpu0);
    const csvCpuSeconds = (user + system) / 1e6;
    // the process's high-water mark (KiB); the CSV streams synchronously, so a timer would never sample it
    const peak = process.resourceUsage().maxRSS * 1024;
    t0 = performance.now();
    let n = 0;
    for (const _row of requestsInRange(db, from, to)) n++;
    const readSeconds = (performance.now() - t0) / 1000;
    console.log(
      `${requests.toLocaleString()} rows: CSV ${Math.round(requests / csvSeconds).toLocaleString()} rows/s (${(bytes / 1e6).toFixed(0)} MB in ${csvSeconds.toFixed(1)} s, ${csvCpuSeconds.toFixed(1)} s CPU), ` +
        `peak RSS ${(peak / 2 ** 20).toFixed(0)} MB; reading the rows alone ${Math.round(n / readSeconds).toLocaleString()} rows/s (CSV = ${(readSeconds / csvSeconds).toFixed(2)}x of it)`,
    );
    db.$client.close();
  }
}

void main();
