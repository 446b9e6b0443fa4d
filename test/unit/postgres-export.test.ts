// Both CSV exports on PostgreSQL (a throwaway cluster, test/support/postgres-databases.ts): the same rows in
// SQLite and PostgreSQL give the same bytes. SQLite's request CSV is held to the JS reference by
// export-speed-format.test.ts, so equal bytes here hold PostgreSQL's to it too. Each database runs
// in a session time zone and date style far from UTC's, which no output may depend on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { PostgresDatabase } from '@/db/client-pg';
import { apiKeyLabels, requests, type NewRequestRow } from '@/db/schema';
import { query } from '@/lib/analytics/engine/run';
import { summaryQuerySchema, summaryReport } from '@/lib/analytics/reports-summary';
import { PAGE_SIZE } from '@/lib/export/request-csv-pages';
import { requestPageSql } from '@/lib/export/request-csv-sql';
import { requestsCsvStream, type ExportFilters } from '@/lib/export/requests-csv';
import { summaryCsv } from '@/lib/export/summary-csv';
import { Recorder } from '@/lib/recorder/recorder';
import { ALL, base, PICO, T, TRICKY_TEXT, trickyRows } from '../support/export-rows';
import { copyTables } from '../support/copy-tables';
import { usePostgresDatabases } from '../support/postgres-databases';

const DAY = 86_400_000;
const USAGE_TABLES = ['usage_hourly', 'usage_daily', 'usage_hourly_compact', 'usage_hourly_by_key', 'usage_daily_by_key', 'usage_quarter_hourly_by_key', 'session_totals'];

const exported = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

function assertSameBytes(actual: Buffer, expected: Buffer, name: string) {
  if (actual.equals(expected)) return;
  const a = actual.toString('utf8').split('\r\n');
  const e = expected.toString('utf8').split('\r\n');
  const i = a.findIndex((line, j) => line !== e[j]);
  assert.equal(a[i], e[i], `${name}: first difference at line ${i}`);
  assert.fail(`${name}: lengths differ: ${actual.length} vs ${expected.length}`);
}

describe('both CSV exports on PostgreSQL', () => {
  const postgres = usePostgresDatabases('export');
  const sqliteFiles: Db[] = [];

  after(() => {
    for (const db of sqliteFiles) db.$client.close();
  });

  /** A fresh migrated PostgreSQL database whose sessions run in Chatham time (+12:45/+13:45) with a day-first date style. */
  async function freshPg(): Promise<PostgresDatabase> {
    const pg = (await postgres.fresh(1, { max: 2, settings: { timezone: "'Pacific/Chatham'", datestyle: "'SQL, DMY'" } })).pools[0]!;
    const { rows } = await pg.pool.query<{ timezone: string; datestyle: string }>('SELECT current_setting(\'timezone\') AS timezone, current_setting(\'datestyle\') AS datestyle');
    assert.deepEqual(rows[0], { timezone: 'Pacific/Chatham', datestyle: 'SQL, DMY' });
    return pg;
  }

  function freshSqlite(): Db {
    const db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-pg-export-')), 'meter.db'));
    sqliteFiles.push(db);
    return db;
  }

  /** SQLite and PostgreSQL holding the same calls and key labels. */
  async function bothWith(rows: readonly NewRequestRow[], labels: (typeof apiKeyLabels.$inferInsert)[] = []): Promise<{ sqlite: Db; pg: PostgresDatabase }> {
    const sqlite = freshSqlite();
    for (let i = 0; i < rows.length; i += 200) sqlite.insert(requests).values(rows.slice(i, i + 200)).run();
    if (labels.length) sqlite.insert(apiKeyLabels).values(labels).run();
    const pg = await freshPg();
    await copyTables(sqlite, pg, ['requests', 'api_key_labels']);
    return { sqlite, pg };
  }

  const assertSameCsv = async (sqlite: Db, pg: PostgresDatabase, from: Date, to: Date, filters: ExportFilters, name: string) =>
    assertSameBytes(await exported(requestsCsvStream(pg.db, from, to, filters)), await exported(requestsCsvStream(sqlite, from, to, filters)), name);

  it('request CSV: the tricky text, the 40 tricky amounts, edge times, unpriced and usage-unknown calls, written by PostgreSQL', async () => {
    const { sqlite, pg } = await bothWith(trickyRows(), [
      { apiKey: 'abcd1234…wxyz', label: 'Search, "prod"', team: null, updatedAt: 1 },
      { apiKey: '=1+2', label: '=HYPERLINK("x")', team: null, updatedAt: 1 },
      { apiKey: 'plain', label: 'Support bot', team: null, updatedAt: 1 },
    ]);
    // every row rendered by PostgreSQL's SQL, none left to JS
    const [page] = await query<{ rowCount: number; rendered: number }>(pg.db, requestPageSql([], PAGE_SIZE).pgPage({ lo: ALL[0].getTime(), hi: ALL[1].getTime(), after: { at: ALL[0].getTime() - 1, id: 0 } }));
    assert.ok(page!.rowCount > 1000 && page!.rendered === page!.rowCount, JSON.stringify(page));
    await assertSameCsv(sqlite, pg, ...ALL, {}, 'every row');
    const csv = (await exported(requestsCsvStream(pg.db, ...ALL))).toString();
    for (const part of [',"Search, ""prod"""\r\n', ',0.00000004,-0.00000004,true,priced,', ',,0.00000004,false,unpriced,', ',9999-12-31T23:59:59.999Z,', ',1970-01-01T00:00:00.000Z,', ",'=1+2,"]) {
      assert.ok(csv.includes(part), part);
    }
    assert.ok(csv.includes(',,,,false,usage_unknown,') && csv.includes(',false,unpriced,'), 'unpriced and usage-unknown rows');
    // a range that cuts the rows, and each filter
    await assertSameCsv(sqlite, pg, new Date(T + 100), new Date(T + 300), {}, 'a cut range');
    const filters: ExportFilters[] = [
      { apiKey: ['abcd1234…wxyz', '=1+2'] }, { team: ['growth', 'a,b'] }, { project: ['copywriter'] }, { environment: ['prod', 'a,b'] },
      { model: ['say "hi"'] }, { servingPath: ['standard'], region: ['global'] }, { endpoint: ['line\nbreak'] }, { team: ['nobody'] },
    ];
    for (const f of filters) await assertSameCsv(sqlite, pg, ...ALL, f, JSON.stringify(f));
  });

  it('request CSV: values outside what the SQL renders go to JS as on SQLite, and money it cannot write exactly fails alike', async () => {
    // what PostgreSQL's columns can hold of what the SQLite test tries (not reals, text in integer columns or NUL)
    const cases: [string, string, bigint, 'same' | 'fails'][] = [
      ['before 1970', 'started_at', -1n, 'same'], ['before 1970, a day', 'started_at', -86_400_001n, 'same'],
      ['past 9999', 'started_at', 253_402_300_800_000n, 'same'], ['the last JS date', 'started_at', 8_640_000_000_000_000n - 1n, 'same'],
      ['the first JS date', 'started_at', -8_640_000_000_000_000n, 'same'],
      ['tokens past 2^53', 'prompt_tokens', 2n ** 60n, 'same'], ['ttft just past 2^53', 'ttft_ms', 2n ** 53n + 2n, 'same'],
      ['the largest duration', 'duration_ms', 2n ** 63n - 1n, 'same'], ['the smallest tokens', 'completion_tokens', -(2n ** 63n), 'same'],
      ['cost past 2^53', 'cost_total_pico', 2n ** 53n + 1n, 'fails'], ['savings at -2^63', 'cache_savings_pico', -(2n ** 63n), 'fails'],
    ];
    const every = [new Date(-8.64e15), new Date(8.64e15)] as const;
    for (const [name, column, value, outcome] of cases) {
      const sqlite = freshSqlite();
      sqlite.insert(requests).values([base(0), base(1), base(2)]).run();
      // exact 64-bit values through SQL: drizzle would pass JS numbers, rounded past 2^53
      sqlite.$client.prepare(`UPDATE requests SET ${column} = ? WHERE id = 2`).run(value);
      const pg = await freshPg();
      await copyTables(sqlite, pg, ['requests']);
      if (outcome === 'same') {
        const [page] = await query<{ rowCount: number; rendered: number }>(pg.db, requestPageSql([], PAGE_SIZE).pgPage({ lo: every[0].getTime(), hi: every[1].getTime(), after: { at: every[0].getTime() - 1, id: 0 } }));
        assert.deepEqual([page!.rowCount, page!.rendered], [3, 2], `${name}: the odd row is left to JS`);
        await assertSameCsv(sqlite, pg, ...every, {}, name);
      } else {
        await assert.rejects(exported(requestsCsvStream(sqlite, ...every)), RangeError, `${name} on SQLite`);
        await assert.rejects(exported(requestsCsvStream(pg.db, ...every)), RangeError, `${name} on PostgreSQL`);
      }
    }
  });

  it('request CSV: pages by (started_at, id) across many rows sharing a millisecond', async () => {
    // 12,003 rows, 7 to a millisecond, inserted out of time order: page boundaries fall inside ties
    const rows = Array.from({ length: 12_003 }, (_, i) => base(i, { startedAt: T + Math.floor(((i * 7919) % 12_003) / 7) }));
    const { sqlite, pg } = await bothWith(rows);
    const csv = await exported(requestsCsvStream(pg.db, ...ALL));
    assert.equal(csv.toString().trimEnd().split('\r\n').length, 12_004);
    await assertSameCsv(sqlite, pg, ...ALL, {}, 'every row');
    await assertSameCsv(sqlite, pg, new Date(T + 3), new Date(T + 1500), { team: ['growth'] }, 'a cut range, filtered');
    // exactly two pages, then nothing: the last page is full
    await assertSameCsv(sqlite, pg, new Date(T), new Date(T + Math.floor((2 * PAGE_SIZE) / 7)), {}, 'whole pages');
  });

  it('summary CSV and request CSV over recorded calls: local days and months in zones with DST and odd offsets, by tags and by key', async () => {
    const sqlite = freshSqlite();
    const recorder = new Recorder(sqlite, { log: () => {} });
    const start = Date.UTC(2026, 9, 10, 7, 13);
    const texts = TRICKY_TEXT.filter((t) => t.length < 100);
    let i = 0;
    // six weeks across the end of summer time in Europe (25 October) and the US (1 November)
    for (let at = start; at < start + 42 * DAY; at += 4 * 3_600_000 + 17_171) {
      const text = texts[i % texts.length]!;
      const cost = PICO[i % PICO.length]!;
      const state = i % 13 === 0 ? 'usage unknown' : i % 7 === 0 ? 'unpriced' : 'priced';
      recorder.record(base(i, {
        startedAt: at, model: i % 3 ? 'accounts/fireworks/models/kimi-k3' : `m/${text}`, apiKey: i % 4 ? 'abcd1234…wxyz' : '=1+2',
        team: i % 5 ? text : null, project: i % 2 ? 'copywriter' : text, environment: i % 3 ? 'prod' : null, servingPath: ['standard', 'priority', 'fast'][i % 3]!,
        promptTokens: state === 'usage unknown' ? null : 100 + i, cachedPromptTokens: state === 'usage unknown' ? null : i % 100,
        costTotalPico: state === 'priced' ? Math.abs(cost) : null, cacheSavingsPico: state === 'priced' ? Math.abs(cost) % 1_000_000_007 : null,
      }));
      i++;
    }
    recorder.close();
    sqlite.insert(apiKeyLabels).values([{ apiKey: 'abcd1234…wxyz', label: 'Search, "prod"\nline two', team: null, updatedAt: 1 }, { apiKey: '=1+2', label: '@label', team: 'a,b', updatedAt: 1 }]).run();
    const pg = await freshPg();
    await copyTables(sqlite, pg, ['requests', 'api_key_labels', ...USAGE_TABLES]);

    const ranges: [string, string][] = [
      ['2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z'],
      ['2026-10-20T05:17:00Z', '2026-11-03T22:41:30Z'],
    ];
    let checked = 0;
    for (const [from, to] of ranges) {
      for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham']) {
        for (const group of ['day', 'month'] as const) {
          for (const detail of ['tags', 'key'] as const) {
            const q = summaryQuerySchema.parse({ from, to, tz, group, detail });
            const want = summaryCsv(await summaryReport(sqlite, q));
            assert.equal(summaryCsv(await summaryReport(pg.db, q)), want, `${from}–${to} ${tz} ${group} ${detail}`);
            checked += want.split('\r\n').length;
          }
        }
      }
      await assertSameCsv(sqlite, pg, new Date(from), new Date(to), {}, `request CSV ${from}–${to}`);
    }
    const sample = summaryCsv(await summaryReport(pg.db, summaryQuerySchema.parse({ from: ranges[0]![0], to: ranges[0]![1], tz: 'Europe/Berlin' })));
    for (const part of ['"Search, ""prod""\nline two"', "'=1+2", "'@label", '"say ""hi"""', '0.00000004']) assert.ok(sample.includes(part), part);
    const unpriced = summaryCsv(await summaryReport(pg.db, summaryQuerySchema.parse({ from: ranges[0]![0], to: ranges[0]![1], group: 'month', detail: 'key' })));
    assert.ok(/,[1-9]\d*,[1-9]\d*\r\n/.test(unpriced), 'months with unpriced and usage-unknown calls');
    assert.ok(checked > 1000, `${checked} summary lines compared`);
  });
});
