import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '@/simulator/server';
import { sqliteDatabase, type TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface MeterProcess {
  origin: string;
  /** The database it records into (shared by every process started on it). */
  db: TestDatabase;
  /** The SQLite file ('' on PostgreSQL). */
  dbFile: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The real server entry (server.ts, with the built dashboard) as a child process on a random port. */
export async function startMeterProcess(env: Record<string, string>, database: TestDatabase | string = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-it-')), 'meter.db')): Promise<MeterProcess> {
  const db = typeof database === 'string' ? sqliteDatabase(database) : database;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', METER_ADMIN_TOKEN: ADMIN_TOKEN, NEXT_TELEMETRY_DISABLED: '1', ...db.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`meter exited early:\n${out}`));
    });
  });
  return {
    origin,
    db,
    dbFile: db.file ?? '',
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export interface RecordedRow {
  [column: string]: unknown;
  upstream_id: string | null;
  status: number;
  prompt_tokens: number | null;
  cached_prompt_tokens: number | null;
  completion_tokens: number | null;
  cost_total_pico: number | null;
}

/** Reads the rows the server wrote, waiting (bounded) until at least `atLeast` are there. */
export async function recordedRows(database: TestDatabase | string, atLeast = 1, timeoutMs = 5000): Promise<RecordedRow[]> {
  const db = typeof database === 'string' ? sqliteDatabase(database) : database;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.rows<RecordedRow>('SELECT * FROM requests ORDER BY id');
    if (rows.length >= atLeast || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The newest row matching `match`, waiting (bounded) for the batch writer to put it there. */
export async function rowWhere(dbFile: TestDatabase | string, match: (r: RecordedRow) => boolean, what = 'the call', timeoutMs = 5000): Promise<RecordedRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = (await recordedRows(dbFile, 0, 0)).findLast(match);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no recorded row for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function withSimulator<T>(options: SimulatorOptions, body: (sim: Simulator) => Promise<T>): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await body(sim);
  } finally {
    await sim.close();
  }
}
