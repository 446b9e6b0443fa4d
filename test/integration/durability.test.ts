import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_TOKEN, recordedRows, startMeterProcess, withSimulator, type MeterProcess } from './harness';
import { rssMb, runLoad } from './load';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every completed call appears exactly once (by response id and by record id); waits up to 30 s for the rows. */
async function assertEachOnce(dbFile: string, completed: string[], label: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const rows = await recordedRows(dbFile, 0, 0);
    const byId = new Map<unknown, number>();
    for (const r of rows) if (r.upstream_id !== null) byId.set(r.upstream_id, (byId.get(r.upstream_id) ?? 0) + 1);
    const lost = completed.filter((id) => !byId.has(id));
    if (lost.length > 0 && Date.now() < deadline) {
      await sleep(250);
      continue;
    }
    const twice = [...byId.values()].filter((n) => n > 1).length;
    console.log(`${label}: ${completed.length} calls completed, ${lost.length} lost, ${twice} duplicated (${rows.length} rows)`);
    assert.deepEqual(lost, [], `${label}: completed calls missing`);
    assert.equal(twice, 0, `${label}: calls counted twice`);
    assert.equal(new Set(rows.map((r) => r.record_id)).size, rows.length, `${label}: record ids unique`);
    return rows;
  }
}

// named per replica: meter.db.calls.<host>-<port>-000001.jsonl
const journalFiles = (dbFile: string) => fs.readdirSync(path.dirname(dbFile)).filter((f) => f.startsWith(`${path.basename(dbFile)}.calls.`) && /-\d{6,}\.jsonl$/.test(f)).sort();

describe('durability', () => {
  it('SIGKILL under load loses no completed call, and the replay counts none twice', async () => {
    await withSimulator({}, async (sim) => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url });
      let killed = false;
      const load = runLoad(meter.origin, { concurrency: 20, stop: () => killed });
      await sleep(1500);
      killed = true;
      meter.child.kill('SIGKILL');
      const { completed } = await load;
      assert.ok(completed.length > 100, `load ran (${completed.length})`);

      const again = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, meter.dbFile);
      try {
        await assertEachOnce(meter.dbFile, completed, 'SIGKILL');
      } finally {
        await again.stop();
      }
      // A second restart replays nothing new.
      const third = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, meter.dbFile);
      await third.stop();
      await assertEachOnce(meter.dbFile, completed, 'SIGKILL, restarted twice');
    });
  });

  it('a truncated or damaged journal never stops Meter from starting; the bad lines go to a .bad file', async () => {
    await withSimulator({}, async (sim) => {
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url });
      let stop = false;
      const load = runLoad(meter.origin, { concurrency: 8, stop: () => stop, maxCalls: 300 });
      await sleep(800);
      stop = true;
      meter.child.kill('SIGKILL');
      const { completed } = await load;
      const [segment] = journalFiles(meter.dbFile).slice(-1);
      const file = path.join(path.dirname(meter.dbFile), segment!);
      fs.appendFileSync(file, 'garbage that is not json\n{"recordId":"x","startedAt":');

      const again = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, meter.dbFile);
      try {
        await replayDone(again);
        await assertEachOnce(meter.dbFile, completed, 'damaged journal');
        const badFile = fs.readdirSync(path.dirname(meter.dbFile)).find((f) => f.startsWith(`${path.basename(meter.dbFile)}.calls.`) && f.endsWith('.bad.jsonl'))!;
        const bad = fs.readFileSync(path.join(path.dirname(meter.dbFile), badFile), 'utf8').trim().split('\n');
        assert.equal(bad.length, 2, 'the garbage line and the torn one');
      } finally {
        await again.stop();
      }

      // Another database in the same directory never replays this database's journal.
      const other = path.join(path.dirname(meter.dbFile), 'other.db');
      const neighbour = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, other);
      await neighbour.stop();
      assert.equal((await recordedRows(other, 0, 0)).length, 0);
    });
  });

  it('while the database refuses writes for 30 s under load, memory stays bounded and everything lands afterwards', async () => {
    await withSimulator({}, async (sim) => {
      // A capped old space makes V8 collect garbage before it grows the heap, so RSS shows what is
      // held; an unbounded queue would show as growth (or end in an out-of-memory crash).
      const meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url, RECORDER_QUEUE_LIMIT: '2000', NODE_OPTIONS: '--max-old-space-size=192' });
      try {
        let warm = false;
        const warming = runLoad(meter.origin, { concurrency: 20, stop: () => warm });
        await sleep(5000);
        warm = true;
        await warming;
        const before = rssMb(meter.child.pid!);
        const lock = new Database(meter.dbFile);
        lock.exec('BEGIN IMMEDIATE');
        let stop = false;
        const load = runLoad(meter.origin, { concurrency: 20, stop: () => stop });
        let peak = before;
        let mostPending = 0;
        let healthy = true;
        for (let s = 0; s < 30; s++) {
          await sleep(1000);
          peak = Math.max(peak, rssMb(meter.child.pid!));
          const health = (await fetch(`${meter.origin}/healthz`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { ok: boolean; pendingRecords: number };
          mostPending = Math.max(mostPending, health.pendingRecords);
          healthy &&= health.ok;
        }
        stop = true;
        const { completed } = await load;
        lock.exec('ROLLBACK');
        lock.close();
        console.log(`write lock 30 s: ${completed.length} calls; RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB; at most ${mostPending} rows in memory`);
        assert.equal(healthy, false, '/healthz says not ok while writes fail');
        assert.ok(mostPending <= 2000, `rows in memory ${mostPending}`);
        assert.ok(completed.length > 2000, `the queue limit was passed (${completed.length} calls)`);
        assert.ok(peak - before < 100, `RSS grew ${(peak - before).toFixed(0)} MB`);
        await assertEachOnce(meter.dbFile, completed, 'write lock 30 s');
      } finally {
        await meter.stop();
      }
    });
  });

  it('disk full at SIGTERM: 0 completed calls lost or duplicated once space is back', { skip: !canMountTmpfs() && 'needs root to mount a small tmpfs' }, async () => {
    const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mount]);
    let meter: MeterProcess | undefined;
    try {
      await withSimulator({}, async (sim) => {
        const dbFile = path.join(mount, 'meter.db');
        meter = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, dbFile);
        let stop = false;
        const load = runLoad(meter.origin, { concurrency: 10, stop: () => stop });
        await sleep(1000);
        fillDisk(path.join(mount, 'filler'));
        await sleep(1000); // calls go on against a full disk
        stop = true;
        const { completed } = await load;
        const exit = await meter.stop('SIGTERM');
        assert.equal(exit, 0, meter.output());
        fs.rmSync(path.join(mount, 'filler'));
        const again = await startMeterProcess({ FIREWORKS_BASE_URL: sim.url }, dbFile);
        try {
          await assertEachOnce(dbFile, completed, 'disk full at SIGTERM');
        } finally {
          await again.stop();
        }
      });
    } finally {
      execFileSync('umount', ['-l', mount]);
    }
  });
});

/** Waits (bounded) until the journal has been read back to its end. */
async function replayDone(meter: MeterProcess): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const health = (await fetch(`${meter.origin}/healthz`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((r) => r.json())) as { replayingJournal?: boolean };
    if (health.replayingJournal === false) return;
    await sleep(100);
  }
  throw new Error('journal replay did not finish');
}

function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function fillDisk(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(256 * 1024);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch {
    /* ENOSPC: full */
  }
  const small = Buffer.alloc(512);
  try {
    for (;;) fs.writeSync(fd, small);
  } catch {
    /* now really full */
  }
  fs.closeSync(fd);
}
