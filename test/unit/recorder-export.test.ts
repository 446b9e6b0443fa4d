import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@/db/client';
import { requests, type NewRequestRow } from '@/db/schema';
import { textCell } from '@/lib/export/csv-cells';
import { requestsCsvFileName, requestsCsvStream } from '@/lib/export/requests-csv';
import { parseUsdToPico, picoToMicros, picoToUsdString } from '@/lib/money';
import { Recorder } from '@/lib/recorder/recorder';

function tempDb() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-'));
  return { dir, db: openDatabase(path.join(dir, 'meter.db')) };
}

function row(i: number, extra: Partial<NewRequestRow> = {}): NewRequestRow {
  return {
    startedAt: Date.UTC(2026, 10, 1) + i * 1000, durationMs: 10, endpoint: 'chat/completions', model: 'accounts/fireworks/models/kimi-k3',
    servingPath: 'standard', region: 'global', stream: false, status: 200, apiKey: 'abcd1234…wxyz', upstreamId: `id-${i}`,
    promptTokens: 100, cachedPromptTokens: 50, completionTokens: 10, costTotalPico: (1000 + i) * 1e6, cacheSavingsPico: 5e6, ...extra,
  };
}

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe('Recorder', () => {
  it('writes queued rows in one batch', async () => {
    const { db } = tempDb();
    const recorder = new Recorder(db);
    for (let i = 0; i < 1234; i++) recorder.record(row(i));
    assert.equal(recorder.pending, 1234);
    assert.equal(recorder.flush(), true);
    assert.equal(await db.$count(requests), 1234);
    recorder.close();
  });
});

describe('request CSV', () => {
  it('neutralises formula cells', () => {
    assert.equal(textCell('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
    for (const s of ['+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(textCell(s)[0], "'");
    assert.equal(textCell('team=a'), 'team=a');
    assert.equal(textCell(null), '');
  });

  it('formats pico-dollars exactly: six decimals, more only when the amount has them', () => {
    assert.equal(picoToUsdString(33_000_000_000), '0.033000');
    assert.equal(picoToUsdString(1_000_000), '0.000001');
    assert.equal(picoToUsdString(40_000), '0.00000004');
    assert.equal(picoToUsdString(1), '0.000000000001');
    assert.equal(picoToUsdString(-7_537_000), '-0.000007537');
    assert.equal(picoToUsdString(123_456_789_012n * 1_000_000n), '123456.789012');
    assert.equal(picoToUsdString(10_000_000_000n * 1_000_000_000_000n + 1n), '10000000000.000000000001', '$10 billion and a pico-dollar');
    assert.equal(parseUsdToPico('0.00000004'), 40_000n);
    assert.equal(parseUsdToPico('1e-8'), null);
    assert.equal(picoToMicros(1_500_000n), 2);
    assert.equal(picoToMicros(1_499_999n), 1);
  });

  it('writes the sub-micro digits of a cost in the CSV, in SQL and in JS alike', async () => {
    const { db } = tempDb();
    db.insert(requests).values([row(0, { costTotalPico: 40_000, cacheSavingsPico: 7_537_000 }), row(1, { costTotalPico: 33_000_000_000, cacheSavingsPico: 0 })]).run();
    const from = new Date(Date.UTC(2026, 10, 1));
    const csv = await text(requestsCsvStream(db, from, new Date(from.getTime() + 3600_000)));
    assert.ok(csv.includes(',0.00000004,0.000007537,true,priced,'), csv);
    assert.ok(csv.includes(',0.033000,0.000000,true,priced,'), csv);
  });

  it('streams rows in range with a header, RFC 4180 quoting, unpriced rows left blank', async () => {
    const { db } = tempDb();
    db.insert(requests).values([
      row(0, { user: 'has "quotes", commas\nand newline', tags: 'team=a,project=b' }),
      row(1, { costTotalPico: null, cacheSavingsPico: null, sessionAffinity: '=cmd()' }),
      row(5000),
    ]).run();
    const from = new Date(Date.UTC(2026, 10, 1));
    const to = new Date(from.getTime() + 3600_000);
    const csv = await text(requestsCsvStream(db, from, to));
    const lines = csv.split('\r\n');
    assert.match(lines[0]!, /^upstream_id,started_at,api_key,model,serving_path,region,endpoint,stream,status,/);
    assert.ok(csv.includes('"has ""quotes"", commas\nand newline"'));
    assert.ok(csv.includes('"team=a,project=b"'));
    assert.ok(csv.includes(`,'=cmd(),`));
    assert.ok(csv.includes('id-0,2026-11-01T00:00:00.000Z'));
    assert.ok(csv.includes(',0.001000,'));
    assert.ok(!csv.includes('id-5000'), 'row outside the range');
    const unpriced = csv.split('\r\n').find((l) => l.startsWith('id-1,'))!;
    assert.match(unpriced, /,,,false,/);
  });

  it('pages through many rows in time order and names range and zone in the file name', async () => {
    const { db } = tempDb();
    const rows = Array.from({ length: 12_345 }, (_, i) => row(12_345 - i));
    for (let i = 0; i < rows.length; i += 400) db.insert(requests).values(rows.slice(i, i + 400)).run();
    const from = new Date(Date.UTC(2026, 9, 1));
    const to = new Date(Date.UTC(2026, 11, 1));
    const lines = (await text(requestsCsvStream(db, from, to))).trimEnd().split('\r\n');
    assert.equal(lines.length, 12_346);
    assert.ok(lines[1]!.startsWith('id-1,'));
    assert.ok(lines.at(-1)!.startsWith('id-12345,'));
    assert.equal(requestsCsvFileName(from, to), 'fireworks-meter_requests_2026-10-01T000000Z_2026-12-01T000000Z_UTC.csv');
    const empty = await text(requestsCsvStream(db, new Date(0), new Date(1)));
    assert.match(empty, /^upstream_id,/);
  });
});
