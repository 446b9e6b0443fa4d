// The log sorted by cost reads hour by hour once the range has enough hours and matches
// (lib/analytics/engine/request-log-top.ts); duration and TTFT sort the range whole. Every page
// equals the whole range sorted.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { MeterDb } from '@/db/database';
import { requests, type NewRequestRow, type RequestRow } from '@/db/schema';
import { topRowsByHour } from '@/lib/analytics/engine/request-log-top';
import { empty } from '@/lib/analytics/engine/sql';
import { requestLog, requestLogSchema } from '@/lib/analytics/requests';
import { Recorder } from '@/lib/recorder/recorder';
import { copyToPostgres } from '../../scripts/copy-to-postgres';
import { usePostgresDatabases } from '../support/postgres-databases';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 9, 1);
const HOURS = 300;
let db: Db;
let file: string;
let raw: RequestRow[];
const engines: [string, () => MeterDb][] = [['SQLite', () => db]];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-log-top-'));
  file = path.join(dir, 'meter.db');
  db = openDatabase(file);
  const recorder = new Recorder(db);
  const next = random(7);
  for (let h = 0; h < HOURS; h++) {
    // busy and quiet hours; a few hours hold nothing at all
    const calls = h % 37 === 0 ? 0 : 1 + Math.floor(next() * 30);
    for (let i = 0; i < calls; i++) {
      const status = next() < 0.1 ? 429 : 200;
      // costs, durations and TTFTs repeat often (ties), and some are missing (sorted last)
      const row: NewRequestRow = {
        startedAt: T0 + h * HOUR + Math.floor(next() * 60) * 60_000, durationMs: 100 * Math.floor(next() * 40), ttftMs: next() < 0.2 ? null : 10 * Math.floor(next() * 50),
        endpoint: 'chat/completions', model: next() < 0.03 ? 'm/rare' : 'm/common', servingPath: 'standard', region: 'global', stream: false, status,
        apiKey: 'k1', costTotalPico: status !== 200 || next() < 0.1 ? null : 1_000_000 * Math.floor(next() * 500),
      };
      recorder.record(row);
    }
    if (h % 50 === 0) recorder.flush();
  }
  recorder.close();
  raw = db.select().from(requests).all();
});

const COLUMNS = { cost: 'costTotalPico', duration: 'durationMs', ttft: 'ttftMs' } as const;

/** The whole range sorted as the log orders it: largest first, missing values last, ties newest first. */
function sorted(rows: RequestRow[], sort: keyof typeof COLUMNS): number[] {
  const value = (r: RequestRow) => r[COLUMNS[sort]];
  return [...rows]
    .sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      if (va !== vb) return va === null ? 1 : vb === null ? -1 : vb - va;
      return b.startedAt - a.startedAt || b.id - a.id;
    })
    .map((r) => r.id);
}

async function page(on: MeterDb, over: Record<string, string>, offset: number, limit: number): Promise<number[]> {
  const cursor = Buffer.from(`+${offset}`).toString('base64url');
  const input = requestLogSchema.parse({ from: new Date(T0 + 5 * HOUR + 1_234).toISOString(), to: new Date(T0 + 290 * HOUR - 5_678).toISOString(), limit: String(limit), ...(offset ? { cursor } : {}), ...over });
  return (await requestLog(on, input)).rows.map((r) => r.id);
}

describe('the request log sorted by cost (hour by hour), duration or TTFT', () => {
  const postgres = usePostgresDatabases('log_top');
  before(async () => {
    // the same calls and rollups on PostgreSQL
    const { pools, url } = await postgres.fresh();
    await copyToPostgres(`file:${file}`, url, { log: () => {} });
    engines.push(['PostgreSQL', () => pools[0]!.db]);
  });

  const inRange = () => raw.filter((r) => r.startedAt >= T0 + 5 * HOUR + 1_234 && r.startedAt < T0 + 290 * HOUR - 5_678);

  it('reads hour by hour by cost when the range has more hours than the rows wanted, and never by a column without the index', async () => {
    const plan = await topRowsByHour(db, { column: 'cost_total_pico', filters: empty, matches: { count: raw.length, atLeast: false }, from: T0, to: T0 + HOURS * HOUR, order: 'cost_total_pico DESC NULLS LAST, started_at DESC, id DESC', wanted: 51, offset: 0 });
    assert.notEqual(plan, null);
    const byDuration = await topRowsByHour(db, { column: 'duration_ms', filters: empty, matches: { count: raw.length, atLeast: false }, from: T0, to: T0 + HOURS * HOUR, order: 'duration_ms DESC NULLS LAST, started_at DESC, id DESC', wanted: 51, offset: 0 });
    assert.equal(byDuration, null);
    const tooFew = await topRowsByHour(db, { column: 'cost_total_pico', filters: empty, matches: { count: raw.length, atLeast: false }, from: T0, to: T0 + 40 * HOUR, order: 'cost_total_pico DESC', wanted: 51, offset: 0 });
    assert.equal(tooFew, null, '40 hours cannot hold the top 51 rows one per hour: the whole range is sorted');
  });

  for (const sort of Object.keys(COLUMNS) as (keyof typeof COLUMNS)[]) {
    it(`by ${sort}: every page (deep ones too) is the whole range sorted, on each engine`, async () => {
      const want = sorted(inRange(), sort);
      for (const [engine, on] of engines) {
        for (const [offset, limit] of [[0, 50], [50, 50], [0, 7], [120, 30], [240, 10], [600, 50]] as const) {
          assert.deepEqual(await page(on(), { sort }, offset, limit), want.slice(offset, offset + limit), `${engine}: offset ${offset}, limit ${limit}`);
        }
      }
    });
  }

  it('with filters: a status, a common model and a rare one (which sorts its few matches), on each engine', async () => {
    const cases: [Record<string, string>, (r: RequestRow) => boolean][] = [
      [{ status: '429' }, (r) => r.status === 429],
      [{ model: 'm/common' }, (r) => r.model === 'm/common'],
      [{ model: 'm/rare' }, (r) => r.model === 'm/rare'],
      [{ minDurationMs: '3000' }, (r) => r.durationMs >= 3000],
    ];
    for (const [engine, on] of engines) {
      for (const [over, match] of cases) {
        for (const sort of ['cost', 'duration', 'ttft'] as const) {
          const want = sorted(inRange().filter(match), sort);
          const name = `${engine}: ${JSON.stringify(over)} by ${sort}`;
          assert.deepEqual(await page(on(), { ...over, sort }, 0, 50), want.slice(0, 50), name);
          assert.deepEqual(await page(on(), { ...over, sort }, 50, 50), want.slice(50, 100), `${name}, page 2`);
        }
      }
    }
  });
});
