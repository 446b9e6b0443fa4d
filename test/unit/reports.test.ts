import assert from 'node:assert/strict';
import { parseUsdToPico, picoToUsdString, sumPico } from '@/lib/money';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { apiKeyLabels, requests, type NewRequestRow, type RequestRow } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { localDays } from '@/lib/analytics/engine/local-day-facts';
import { summaryQuerySchema, summaryReport } from '@/lib/analytics/reports-summary';
import { requestsCsvFileName, requestsCsvStream } from '@/lib/export/requests-csv';
import { summaryCsv, summaryCsvFileName } from '@/lib/export/summary-csv';
import { Recorder } from '@/lib/recorder/recorder';
import { parse } from 'csv-parse/sync';
import { createRandom } from '@/lib/seed/synthetic-calls';

// Around the end of summer time in Europe (25 Oct 2026), so some days are 25 hours long.
const T0 = Date.UTC(2026, 9, 20);
const SPAN = 12 * 86_400_000;
let db: Db;
let raw: RequestRow[];

const rng = createRandom;

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-reports-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db);
  const r = rng(5);
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < 5000; i++) {
    const status = pick([200, 200, 200, 200, 429, 499]);
    const ok = status === 200;
    const priced = ok && r() > 0.15;
    const prompt = Math.floor(r() * 4000);
    const row: NewRequestRow = {
      startedAt: T0 + Math.floor(r() * SPAN), durationMs: 50, endpoint: 'chat/completions',
      model: pick(['m/a', 'm/b', '=HYPERLINK("x")']), servingPath: pick(['standard', 'priority', 'fast']), region: 'global',
      stream: false, status, apiKey: pick(['k1', 'k2', '+k3']), team: pick(['search', null]), upstreamId: `id-${i}`,
      promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? Math.floor(prompt * r()) : null, completionTokens: ok ? Math.floor(r() * 400) : null,
      costTotalPico: priced ? Math.floor(r() * 80_000_000_000) : null, cacheSavingsPico: priced ? Math.floor(r() * 2_000_000_000) : null,
    };
    recorder.record(row);
    if (i % 600 === 0) recorder.flush();
  }
  recorder.close();
  db.insert(apiKeyLabels).values({ apiKey: 'k1', label: 'Search, prod "main"', team: 'search', updatedAt: 0 }).run();
  raw = db.select().from(requests).all();
});

function filters(from: number, to: number, over: Record<string, string | string[]> = {}): Filters {
  return filtersSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...over });
}

const parseCsv = (text: string): string[][] => parse(text);

const usdToPico = (s: string) => (s === '' ? 0n : parseUsdToPico(s)!);
const usd = (pico: bigint) => picoToUsdString(pico);

async function requestCsvSums(f: Filters) {
  const { from, to, tz: _tz, ...rest } = f;
  const [header, ...lines] = parseCsv(await new Response(requestsCsvStream(db, from, to, rest)).text());
  const col = (name: string) => header!.indexOf(name);
  const sum = (name: string) => usd(sumPico(lines.map((l) => usdToPico(l[col(name)]!))));
  return { requests: lines.length, spendUsd: sum('cost_usd'), cacheSavingsUsd: sum('cache_savings_usd') };
}

describe('summary report', () => {
  it('totals equal the request CSV to the pico-dollar for ranges that cut hours, with and without filters', async () => {
    const r = rng(17);
    for (let i = 0; i < 12; i++) {
      const a = T0 + Math.floor(r() * (SPAN - 86_400_000));
      const b = Math.min(T0 + SPAN, a + 1 + Math.floor(r() * 6 * 86_400_000));
      const over: Record<string, string | string[]> = { tz: ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'][i % 4]! };
      if (i % 3 === 1) over.apiKey = ['k1', '+k3'];
      if (i % 5 === 2) over.servingPath = 'priority';
      const f = filters(a, b, over);
      const report = await summaryReport(db, f);
      const csv = await requestCsvSums(f);
      assert.equal(report.totals.requests, csv.requests, `requests, range ${i}`);
      assert.equal(report.totals.spendUsd, csv.spendUsd, `spend, range ${i}`);
      assert.equal(report.totals.cacheSavingsUsd, csv.cacheSavingsUsd, `savings, range ${i}`);
      assert.equal(usd(sumPico(report.rows.map((row) => parseUsdToPico(row.spendUsd)!))), report.totals.spendUsd);
    }
  });

  for (const tz of ['Europe/Berlin', 'Asia/Kolkata', 'America/New_York']) {
    it(`groups calls by calendar day in ${tz}, every row on its own local day`, async () => {
      const f = filters(T0 + 1_111_111, T0 + 9 * 86_400_000 + 2_222_222, { tz });
      const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
      const want = new Map<string, { requests: number; spendPico: bigint; unpricedRequests: number; promptTokens: number }>();
      for (const row of raw) {
        if (row.startedAt < f.from.getTime() || row.startedAt >= f.to.getTime()) continue;
        const key = [dayOf.format(row.startedAt), row.servingPath, row.model, row.apiKey, row.team, row.project, row.environment].map((v) => v ?? '').join('|');
        const w = want.get(key) ?? { requests: 0, spendPico: 0n, unpricedRequests: 0, promptTokens: 0 };
        w.requests++;
        w.spendPico += BigInt(row.costTotalPico ?? 0);
        w.promptTokens += row.promptTokens ?? 0;
        if (row.promptTokens !== null && row.costTotalPico === null) w.unpricedRequests++;
        want.set(key, w);
      }
      const report = await summaryReport(db, f);
      assert.equal(report.rows.length, want.size);
      for (const row of report.rows) {
        const w = want.get([row.day, row.servingPath, row.model, row.apiKey, row.team, row.project, row.environment].map((v) => v ?? '').join('|'));
        assert.ok(w, `unexpected row ${row.day} ${row.model}`);
        assert.deepEqual(
          { requests: row.requests, spend: row.spendUsd, unpricedRequests: row.unpricedRequests, promptTokens: row.promptTokens },
          { requests: w.requests, spend: usd(w.spendPico), unpricedRequests: w.unpricedRequests, promptTokens: w.promptTokens },
        );
      }
      assert.equal(report.range.tz, tz);
      assert.ok(report.rows.some((row) => row.apiKey === 'k1' && row.apiKeyLabel === 'Search, prod "main"'));
    });
  }

  it('puts a call in the last UTC hour of a Berlin day on the next local day only (no zero rows)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-reports-edge-'));
    const edgeDb = openDatabase(path.join(dir, 'meter.db'));
    const recorder = new Recorder(edgeDb);
    const call = (startedAt: number, model: string): NewRequestRow => ({
      startedAt, durationMs: 5, endpoint: 'chat/completions', model, servingPath: 'standard', region: 'global', stream: false,
      status: 200, apiKey: 'k1', upstreamId: `${model}-${startedAt}`, promptTokens: 10, cachedPromptTokens: 0, completionTokens: 1,
      costTotalPico: 7_000_040, cacheSavingsPico: 0,
    });
    // 2 Nov 2026 (UTC+1 in Berlin): 23:30 UTC is already 3 Nov locally; noon is 2 Nov.
    recorder.record(call(Date.UTC(2026, 10, 2, 23, 30), 'm/late'));
    recorder.record(call(Date.UTC(2026, 10, 2, 12), 'm/noon'));
    recorder.close();
    const report = await summaryReport(edgeDb, filters(Date.UTC(2026, 10, 1, 23), Date.UTC(2026, 10, 4, 23), { tz: 'Europe/Berlin' }));
    assert.deepEqual(report.rows.map((r) => [r.day, r.model, r.requests, r.spendUsd]), [
      ['2026-11-02', 'm/noon', 1, '0.00000700004'],
      ['2026-11-03', 'm/late', 1, '0.00000700004'],
    ]);
    edgeDb.$client.close();
  });

  it('a preview returns the first rows in order, with the whole count and totals', async () => {
    const f = filters(T0, T0 + 5 * 86_400_000, { tz: 'Europe/Berlin' });
    const full = await summaryReport(db, f);
    const preview = await summaryReport(db, { ...f, limit: 7 });
    assert.ok(full.rows.length > 7);
    assert.equal(full.rowCount, full.rows.length);
    assert.deepEqual(preview.rows, full.rows.slice(0, 7));
    assert.equal(preview.rowCount, full.rows.length);
    assert.deepEqual(preview.totals, full.totals);
  });

  it('orders each day\'s rows by spend as numbers, largest first (not as text, where "9" sorts above "10")', async () => {
    const { rows } = await summaryReport(db, filters(T0, T0 + 5 * 86_400_000, { tz: 'Europe/Berlin' }));
    for (let i = 1; i < rows.length; i++) {
      if (rows[i]!.day !== rows[i - 1]!.day) continue;
      assert.ok(usdToPico(rows[i - 1]!.spendUsd) >= usdToPico(rows[i]!.spendUsd), `${rows[i - 1]!.spendUsd} before ${rows[i]!.spendUsd}`);
    }
  });

  it('counts the 25-hour day at the end of summer time as one day', () => {
    const days = localDays(Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 26, 23), 'Europe/Berlin');
    assert.deepEqual(days.map((d) => d.day), ['2026-10-25', '2026-10-26']);
    assert.equal(days[1]!.start - days[0]!.start, 25 * 3_600_000);
  });
});

describe('bad queries', () => {
  it('are refused with a message, never a crash, whichever bound is malformed', () => {
    for (const q of [{ from: 'x', to: 'y' }, { from: 'x', to: '2026-01-01T00:00:00Z' }, { from: '2026-01-01T00:00:00Z', to: 'y' }]) {
      assert.equal(filtersSchema.safeParse(q).success, false);
    }
  });

  it('refuse a preview size that is not a whole number from 1 to 1000', () => {
    const range = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
    for (const limit of ['0', '-3', '2.5', 'x', '1001']) assert.equal(summaryQuerySchema.safeParse({ ...range, limit }).success, false, limit);
    assert.equal(summaryQuerySchema.parse({ ...range, limit: '20' }).limit, 20);
  });
});

describe('summary by key only', () => {
  it('has one row per day, serving path, model and key, the same totals, and a CSV without the tag columns', async () => {
    const f = filters(T0 + 1_111_111, T0 + 9 * 86_400_000 + 2_222_222, { tz: 'Asia/Kolkata' });
    const byTags = await summaryReport(db, f);
    const byKey = await summaryReport(db, { ...f, detail: 'key' });
    assert.equal(byKey.detail, 'key');
    assert.deepEqual(byKey.totals, byTags.totals);
    const keys = (rows: typeof byKey.rows) => new Set(rows.map((r) => [r.day, r.servingPath, r.model, r.apiKey].join('|')));
    assert.equal(byKey.rows.length, keys(byKey.rows).size, 'one row per key');
    assert.deepEqual(keys(byKey.rows), keys(byTags.rows));
    assert.ok(byKey.rows.length < byTags.rows.length, 'the tags split some keys');
    assert.ok(byKey.rows.every((r) => r.team === null && r.project === null && r.environment === null));
    assert.ok(summaryCsv(byKey).startsWith('day,serving_path,model,api_key,api_key_label,requests,'));
    assert.equal(summaryQuerySchema.safeParse({ from: new Date(T0).toISOString(), to: new Date(T0 + 1000).toISOString(), detail: 'team' }).success, false);
  });
});

describe('summary CSV', () => {
  it('is RFC 4180 with CRLF, neutralised text cells and fixed 6-decimal dollars', async () => {
    const report = await summaryReport(db, filters(T0, T0 + 3 * 86_400_000, { tz: 'Europe/Berlin' }));
    const text = summaryCsv(report);
    assert.ok(text.startsWith('day,serving_path,model,api_key,api_key_label,team,project,environment,requests,prompt_tokens,cached_tokens,completion_tokens,spend_usd,cache_savings_usd,unpriced_requests,usage_unknown_requests\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
    assert.ok(text.includes(`,"'=HYPERLINK(""x"")",`), 'formula model neutralised and quoted');
    assert.ok(text.includes(",'+k3,"), 'formula-like key neutralised');
    assert.ok(text.includes(',k1,"Search, prod ""main""",'), 'label with comma and quotes quoted');
    const [header, ...lines] = parseCsv(text.trimEnd() + '\r\n');
    assert.equal(lines.length, report.rows.length);
    const spend = header!.indexOf('spend_usd');
    for (const line of lines) assert.match(line[spend]!, /^\d+\.\d{6,12}$/);
    assert.equal(usd(sumPico(lines.map((l) => usdToPico(l[spend]!)))), report.totals.spendUsd);
    assert.match(lines[0]![0]!, /^2026-10-2\d$/);
  });

  it('file names say the range and the time zone', () => {
    const from = new Date('2026-10-31T23:00:00Z');
    const to = new Date('2026-11-07T23:00:00Z');
    assert.equal(summaryCsvFileName(from, to, 'Europe/Berlin'), 'fireworks-meter_summary_2026-11-01_2026-11-08_Europe-Berlin.csv');
    assert.equal(summaryCsvFileName(new Date('2026-11-01T09:30:00Z'), new Date('2026-11-02T00:00:00Z'), 'UTC'), 'fireworks-meter_summary_2026-11-01T0930_2026-11-02_UTC.csv');
    assert.equal(summaryCsvFileName(from, to, 'America/Argentina/Buenos_Aires'), 'fireworks-meter_summary_2026-10-31T2000_2026-11-07T2000_America-Argentina-Buenos_Aires.csv');
    assert.equal(requestsCsvFileName(from, to), 'fireworks-meter_requests_2026-10-31T230000Z_2026-11-07T230000Z_UTC.csv');
  });
});

describe('request CSV with page filters', () => {
  it('keeps only the calls the filters select', async () => {
    const f = filters(T0, T0 + SPAN, { model: 'm/a', apiKey: ['k2'] });
    const sums = await requestCsvSums(f);
    const want = raw.filter((r) => r.model === 'm/a' && r.apiKey === 'k2');
    assert.equal(sums.requests, want.length);
    assert.equal(sums.spendUsd, usd(sumPico(want.map((r) => r.costTotalPico))));
  });
});
