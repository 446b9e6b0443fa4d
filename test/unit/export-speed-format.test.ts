// The request CSV is written by SQLite (lib/export/request-csv-sql.ts) for speed; these tests hold
// it byte for byte to the JS formatter it replaced, kept here verbatim as the reference.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { apiKeyLabels, requests } from '@/db/schema';
import { requestsCsvStream, requestsInRange, type ExportFilters } from '@/lib/export/requests-csv';
import { picoToUsdString } from '@/lib/money';
import { ALL, base, NUL_TEXT, T, trickyRows } from '../support/export-rows';

// ---- the reference: the export's JS formatter before the SQL rendering ----
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
function textCell(value: string | null | undefined): string {
  if (value == null) return '';
  return FORMULA_START.test(value) ? `'${value}` : value;
}
function csvRecords(records: readonly (readonly (string | number)[])[]): string {
  let out = '';
  for (const record of records) {
    for (let i = 0; i < record.length; i++) {
      const cell = record[i]!;
      const text = typeof cell === 'number' ? String(cell) : NEEDS_QUOTES.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
      out += i === 0 ? text : `,${text}`;
    }
    out += '\r\n';
  }
  return out;
}
type Row = [number, number, string | null, string, string, string, string, string, number, number, string | null, number | null,
  number | null, number | null, number | null, number | null, string | null, string | null, string | null, string | null, string | null,
  string | null, number, number | null, string | null, number | null, string | null];
function csvRecord(r: Row): (string | number)[] {
  const [, startedAt, upstreamId, apiKey, model, servingPath, region, endpoint, stream, status, errorCode, prompt, cached, completion,
    cost, savings, session, user, tags, team, project, environment, durationMs, ttftMs, upstreamRequestId, priceId, apiKeyLabel] = r;
  return [
    textCell(upstreamId), new Date(startedAt).toISOString(), textCell(apiKey), textCell(model), servingPath, region, endpoint,
    stream ? 'true' : 'false', status, textCell(errorCode), prompt ?? '', cached ?? '', completion ?? '',
    cost !== null ? picoToUsdString(cost) : '', savings !== null ? picoToUsdString(savings) : '', cost !== null ? 'true' : 'false', prompt === null ? 'usage_unknown' : cost === null ? 'unpriced' : 'priced',
    textCell(session), textCell(user), textCell(tags), textCell(team), textCell(project), textCell(environment), durationMs,
    ttftMs ?? '', textCell(upstreamRequestId), priceId ?? '', textCell(apiKeyLabel),
  ];
}
const HEADER = 'upstream_id,started_at,api_key,model,serving_path,region,endpoint,stream,status,error_code,prompt_tokens,cached_prompt_tokens,' +
  'completion_tokens,cost_usd,cache_savings_usd,priced,cost_status,session_affinity,user,tags,team,project,environment,duration_ms,ttft_ms,x_request_id,price_id,api_key_label\r\n';
const FILTER_COLUMNS: Record<keyof ExportFilters, string> = {
  apiKey: 'api_key', team: 'team', project: 'project', environment: 'environment', model: 'model', servingPath: 'serving_path', region: 'region', endpoint: 'endpoint',
};
/** The rows read plainly (as drizzle's .values() did), formatted by the reference. */
function referenceCsv(db: Db, from: Date, to: Date, filters: ExportFilters = {}): Buffer {
  const where = ['started_at >= ? AND started_at < ?'];
  const params: unknown[] = [from.getTime(), to.getTime()];
  for (const [key, values] of Object.entries(filters) as [keyof ExportFilters, string[]][]) {
    where.push(`${FILTER_COLUMNS[key]} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  }
  const rows = db.$client
    .prepare(`SELECT id, started_at, upstream_id, api_key, model, serving_path, region, endpoint, stream, status, error_code, prompt_tokens,
      cached_prompt_tokens, completion_tokens, cost_total_pico, cache_savings_pico, session_affinity, "user", tags, team, project,
      environment, duration_ms, ttft_ms, upstream_request_id, price_id, (SELECT label FROM api_key_labels l WHERE l.api_key = requests.api_key)
      FROM requests WHERE ${where.join(' AND ')} ORDER BY started_at, id`)
    .raw()
    .all(...params) as Row[];
  return Buffer.from(HEADER + csvRecords(rows.map(csvRecord)));
}
// ---- end of the reference ----

function tempDb(): Db {
  return openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meter-csv-')), 'meter.db'));
}

async function exported(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

function assertSameBytes(actual: Buffer, expected: Buffer) {
  if (actual.equals(expected)) return;
  const a = actual.toString('utf8').split('\r\n');
  const e = expected.toString('utf8').split('\r\n');
  const i = a.findIndex((line, j) => line !== e[j]);
  assert.equal(a[i], e[i], `first difference at line ${i}`);
  assert.fail(`lengths differ: ${actual.length} vs ${expected.length}`);
}


describe('request CSV written by SQLite', () => {
  it('matches the JS formatter byte for byte on tricky values', async () => {
    const db = tempDb();
    const rows = trickyRows();
    for (let i = 0; i < rows.length; i += 200) db.insert(requests).values(rows.slice(i, i + 200)).run();
    // key labels from Settings, one needing quotes, one needing the formula guard, one plain
    db.insert(apiKeyLabels).values([
      { apiKey: 'abcd1234…wxyz', label: 'Search, "prod"', team: null, updatedAt: 1 },
      { apiKey: '=1+2', label: '=HYPERLINK("x")', team: null, updatedAt: 1 },
      { apiKey: 'plain', label: 'Support bot', team: null, updatedAt: 1 },
    ]).run();
    assertSameBytes(await exported(requestsCsvStream(db, ...ALL)), referenceCsv(db, ...ALL));
    assert.ok((await exported(requestsCsvStream(db, ...ALL))).toString().includes(',"Search, ""prod"""\r\n'), 'the key label, quoted, closes the line');
    // a range that cuts the rows, and each filter
    const from = new Date(T + 100);
    const to = new Date(T + 300);
    assertSameBytes(await exported(requestsCsvStream(db, from, to)), referenceCsv(db, from, to));
    const filters: ExportFilters[] = [
      { apiKey: ['abcd1234…wxyz', '=1+2'] }, { team: ['growth', 'a,b'] }, { project: ['copywriter'] }, { environment: ['prod', 'a,b'] },
      { model: ['say "hi"'] }, { servingPath: ['standard'], region: ['global'] }, { team: ['nobody'] },
    ];
    for (const f of filters) assertSameBytes(await exported(requestsCsvStream(db, ...ALL, f)), referenceCsv(db, ...ALL, f));
  });

  it('matches it on text holding NUL', async () => {
    const db = tempDb();
    db.insert(requests).values(trickyRows(NUL_TEXT)).run();
    assertSameBytes(await exported(requestsCsvStream(db, ...ALL)), referenceCsv(db, ...ALL));
  });

  it('matches it where values are outside what the SQL renders, by formatting those pages in JS', async () => {
    const columns = 'started_at, duration_ms, endpoint, model, serving_path, region, stream, status, api_key, prompt_tokens, ttft_ms, cost_total_pico';
    const ok: unknown[] = [T + 10, 1, 'e', 'm', 'standard', 'global', 1, 200, 'k', 5, 6, 7];
    // one value per case that the app never writes but a hand-edited database may hold
    const cases: [string, number, unknown][] = [
      ['before 1970', 0, -1], ['before 1970, a day', 0, -86_400_001], ['past 9999', 0, 253_402_300_800_000], ['real time', 0, T + 0.5],
      ['real time just short of a second', 0, Date.UTC(2026, 0, 1) + 999.9],
      ['real duration', 1, 12.5], ['real stream', 6, 0.5], ['text stream', 6, 'yes'], ['text status', 7, 'a,b'], ['huge real tokens', 9, 1e20],
      ['small real ttft', 10, 2.5e-7], ['text tokens', 9, '12abc'], ['tokens past 2^53', 9, 2n ** 60n], ['ttft just past 2^53', 10, 2n ** 53n + 2n],
      ['negative past 2^53', 9, -(2n ** 53n) - 2n], ['largest integer', 9, 2n ** 63n - 1n], ['smallest integer', 10, -(2n ** 63n)],
    ];
    for (const [name, index, value] of cases) {
      const db = tempDb();
      db.insert(requests).values([base(0), base(1)]).run();
      const row = [...ok];
      row[index] = value;
      db.$client.prepare(`INSERT INTO requests (${columns}) VALUES (${row.map(() => '?').join(', ')})`).run(...row);
      assert.deepEqual(await exported(requestsCsvStream(db, ...ALL)), referenceCsv(db, ...ALL), name);
    }
  });

  it('fails like the JS formatter on money it cannot write exactly', async () => {
    const db = tempDb();
    db.insert(requests).values([base(0)]).run();
    for (const [column, pico] of [['cost_total_pico', 2n ** 53n + 1n], ['cache_savings_pico', -(2n ** 63n)], ['cost_total_pico', 1.5]] as const) {
      db.$client.prepare(`UPDATE requests SET cost_total_pico = 1, cache_savings_pico = 1, ${column} = ?`).run(pico);
      assert.throws(() => referenceCsv(db, ...ALL), RangeError);
      await assert.rejects(exported(requestsCsvStream(db, ...ALL)), RangeError);
    }
  });

  it('pages by (started_at, id) across many rows sharing a millisecond, as the reference read does', async () => {
    const db = tempDb();
    // 12,003 rows, 7 to a millisecond, inserted out of time order: page boundaries fall inside ties
    const rows = Array.from({ length: 12_003 }, (_, i) => base(i, { startedAt: T + Math.floor(((i * 7919) % 12_003) / 7) }));
    for (let i = 0; i < rows.length; i += 500) db.insert(requests).values(rows.slice(i, i + 500)).run();
    const csv = await exported(requestsCsvStream(db, ...ALL));
    assertSameBytes(csv, referenceCsv(db, ...ALL));
    assert.equal(csv.toString().trimEnd().split('\r\n').length, 12_004);
    const from = new Date(T + 3);
    const to = new Date(T + 1500);
    assertSameBytes(await exported(requestsCsvStream(db, from, to, { team: ['growth'] })), referenceCsv(db, from, to, { team: ['growth'] }));
    // the bench's reference read sees the same rows in the same order
    const ids = (db.$client.prepare('SELECT id FROM requests WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id').pluck().all(from.getTime(), to.getTime()));
    assert.deepEqual([...requestsInRange(db, from, to)].map((r) => r[0]), ids);
  });
});
