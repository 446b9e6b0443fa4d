import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import { apiKeyLabels, prices, requests, type NewRequestRow, type RequestRow } from '@/db/schema';
import { requestDetail, requestIdSchema } from '@/lib/analytics/requests-id';
import { encodeCursor, requestLog, requestLogSchema, type RequestLogQuery } from '@/lib/analytics/requests';
import { Recorder } from '@/lib/recorder/recorder';

const T0 = Date.UTC(2026, 9, 1);
let db: Db;
let raw: RequestRow[];
let priceId: number;

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-request-log-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  priceId = db.insert(prices).values({
    model: 'm/a', servingPath: 'standard', region: 'global', inputMicrosPerMtok: 900_000, cachedInputMicrosPerMtok: 450_000,
    outputMicrosPerMtok: 900_000, effectiveFrom: '2026-09-01', source: 'test catalog',
  }).returning({ id: prices.id }).get().id;
  db.insert(apiKeyLabels).values({ apiKey: 'k1', label: 'Search prod', team: 'search', updatedAt: T0 }).run();
  const recorder = new Recorder(db);
  const statuses = [200, 200, 200, 429, 503, 499, 200, 401];
  for (let i = 0; i < 400; i++) {
    const status = statuses[i % statuses.length]!;
    const ok = status === 200;
    const priced = ok && i % 5 !== 0;
    const row: NewRequestRow = {
      // groups of three calls share a millisecond, so ties on started_at are common
      startedAt: T0 + Math.floor(i / 3) * 1_000, durationMs: 100 + i, ttftMs: 20, endpoint: 'chat/completions',
      model: i % 2 ? 'm/a' : 'm/b', servingPath: i % 7 ? 'standard' : 'fast', region: 'global', stream: i % 3 === 0, status,
      apiKey: i % 4 ? 'k1' : 'k2', team: i % 4 ? 'search' : null, upstreamId: `cmpl-${String(i).padStart(4, '0')}`,
      upstreamRequestId: `req-${i}`, sessionAffinity: `sess-${i % 10}`, user: i % 50 === 0 ? 'alice' : null,
      promptTokens: ok ? 1000 : null, cachedPromptTokens: ok ? 400 : null, completionTokens: ok ? 50 : null,
      usageJson: ok ? JSON.stringify({ prompt_tokens: 1000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 400 } }) : null,
      priceId: priced ? priceId : null, costInputPico: priced ? 540_000_000 : null, costCachedInputPico: priced ? 180_000_040 : null,
      costOutputPico: priced ? 45_000_000 : null, costTotalPico: priced ? 765_000_040 : null, cacheSavingsPico: priced ? 180_000_000 : null,
      standardCostPico: priced ? 765_000_040 : null, limitPromptTpm: ok ? 3_600_000 : null, overLimit: ok ? 'no' : null,
    };
    recorder.record(row);
    if (i % 90 === 0) recorder.flush();
  }
  recorder.close();
  raw = db.select().from(requests).all();
  assert.equal(raw.length, 400);
});

function q(over: Record<string, string | string[]> = {}): RequestLogQuery {
  return requestLogSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 86_400_000).toISOString(), ...over });
}

const newestFirst = (a: RequestRow, b: RequestRow) => b.startedAt - a.startedAt || b.id - a.id;

async function allPages(over: Record<string, string | string[]>): Promise<number[]> {
  const seen: number[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await requestLog(db, q({ ...over, ...(cursor ? { cursor } : {}) }));
    assert.ok(page.rows.length <= Number(over.limit ?? 50));
    seen.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('request log', () => {
  it('keyset pages return every row once, newest first, across tied timestamps', async () => {
    for (const limit of ['7', '50', '200']) {
      assert.deepEqual(await allPages({ limit }), [...raw].sort(newestFirst).map((r) => r.id), `limit ${limit}`);
    }
  });

  it('pages through a filtered view the same way', async () => {
    const want = raw.filter((r) => r.apiKey === 'k1' && r.model === 'm/a' && r.status >= 400).sort(newestFirst).map((r) => r.id);
    assert.ok(want.length > 10);
    assert.deepEqual(await allPages({ limit: '4', apiKey: 'k1', model: 'm/a', status: 'error' }), want);
  });

  it('the last page has no cursor and an exact page has none either', async () => {
    const page = await requestLog(db, q({ limit: '200', from: new Date(T0).toISOString(), to: new Date(T0 + 1_000).toISOString() }));
    assert.equal(page.rows.length, 3);
    assert.equal(page.nextCursor, null);
    const exact = await requestLog(db, q({ limit: '3', to: new Date(T0 + 1_000).toISOString() }));
    assert.equal(exact.nextCursor, null);
  });

  it('filters by status: ok, error, or a code', async () => {
    const count = async (status: string) => (await allPages({ status, limit: '200' })).length;
    assert.equal(await count('ok'), raw.filter((r) => r.status < 400).length);
    assert.equal(await count('error'), raw.filter((r) => r.status >= 400).length);
    assert.equal(await count('429'), raw.filter((r) => r.status === 429).length);
    assert.equal(await count('499'), 50);
    assert.equal(await count('418'), 0);
  });

  it('searches ids, session-affinity key and user by prefix', async () => {
    const ids = async (search: string) => (await allPages({ q: search, limit: '200' })).sort((a, b) => a - b);
    const want = (pred: (r: RequestRow) => boolean) => raw.filter(pred).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual(await ids('cmpl-0123'), want((r) => r.upstreamId === 'cmpl-0123'));
    assert.deepEqual(await ids('cmpl-01'), want((r) => r.upstreamId!.startsWith('cmpl-01')));
    assert.equal((await ids('cmpl-01')).length, 100);
    assert.deepEqual(await ids('req-399'), want((r) => r.upstreamRequestId === 'req-399'));
    assert.deepEqual(await ids('sess-3'), want((r) => r.sessionAffinity === 'sess-3'));
    assert.deepEqual(await ids('alice'), want((r) => r.user === 'alice'));
    assert.deepEqual(await ids('  alice '), await ids('alice'));
    assert.deepEqual(await ids('0123'), []); // no leading wildcard
    assert.deepEqual(await ids("x' OR 1=1 --"), []);
  });

  it('searches models and keys by any part of the name, and keys by their label', async () => {
    const ids = async (search: string) => (await allPages({ q: search, limit: '200' })).sort((a, b) => a - b);
    const want = (pred: (r: RequestRow) => boolean) => raw.filter(pred).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual(await ids('m/b'), want((r) => r.model === 'm/b'));
    assert.deepEqual(await ids('B'), want((r) => r.model === 'm/b')); // any case
    assert.deepEqual(await ids('k2'), want((r) => r.apiKey === 'k2'));
    assert.deepEqual(await ids('search prod'), want((r) => r.apiKey === 'k1'));
    assert.deepEqual(await ids('nothing-like-it'), []);
  });

  it('filters by stream, duration, time to first token and cost', async () => {
    const ids = async (over: Record<string, string>) => (await allPages({ ...over, limit: '200' })).sort((a, b) => a - b);
    const want = (pred: (r: RequestRow) => boolean) => raw.filter(pred).map((r) => r.id).sort((a, b) => a - b);
    assert.deepEqual(await ids({ stream: 'yes' }), want((r) => r.stream));
    assert.deepEqual(await ids({ stream: 'no' }), want((r) => !r.stream));
    assert.deepEqual(await ids({ minDurationMs: '350' }), want((r) => r.durationMs >= 350));
    assert.deepEqual(await ids({ minTtftMs: '20' }), want((r) => r.ttftMs !== null && r.ttftMs >= 20));
    assert.deepEqual(await ids({ minTtftMs: '21' }), []);
    // one pico-dollar above a call's exact cost excludes it; the exact cost keeps it
    assert.deepEqual(await ids({ minCostUsd: '0.000765000040' }), want((r) => r.costTotalPico !== null));
    assert.deepEqual(await ids({ minCostUsd: '0.000765000041' }), []);
    assert.deepEqual(await ids({ minCostUsd: '0', model: 'm/a' }), want((r) => r.costTotalPico !== null && r.model === 'm/a'));
  });

  it('sorts by cost, duration or TTFT, largest first, every row once across pages', async () => {
    const byDuration = await allPages({ sort: 'duration', limit: '7' });
    assert.deepEqual(byDuration, [...raw].sort((a, b) => b.durationMs - a.durationMs || newestFirst(a, b)).map((r) => r.id));
    const byCost = await allPages({ sort: 'cost', limit: '50' });
    assert.equal(byCost.length, raw.length);
    const costs = byCost.map((id) => raw.find((r) => r.id === id)!.costTotalPico);
    assert.ok(costs.indexOf(null) > 0 && costs.slice(costs.indexOf(null)).every((c) => c === null), 'unpriced calls last');
    const searched = await allPages({ sort: 'duration', q: 'sess-3', limit: '3' });
    assert.deepEqual(searched, raw.filter((r) => r.sessionAffinity === 'sess-3').sort((a, b) => b.durationMs - a.durationMs).map((r) => r.id));
  });

  it('counts the matching calls, on every page', async () => {
    assert.deepEqual((await requestLog(db, q({ limit: '5' }))).total, { count: 400, atLeast: false });
    assert.deepEqual((await requestLog(db, q({ limit: '5', status: '429', q: 'm/a' }))).total, { count: raw.filter((r) => r.status === 429 && r.model === 'm/a').length, atLeast: false });
    // statuses the rollups count are read from them, the rest counted from the rows: the same figures
    for (const status of ['ok', 'error', '429', '503', '499']) {
      const want = raw.filter((r) => (status === 'ok' ? r.status < 400 : status === 'error' ? r.status >= 400 : r.status === Number(status))).length;
      assert.deepEqual((await requestLog(db, q({ limit: '5', status }))).total, { count: want, atLeast: false }, status);
    }
    const first = await requestLog(db, q({ limit: '5' }));
    assert.deepEqual((await requestLog(db, q({ limit: '5', cursor: first.nextCursor! }))).total, first.total);
  });

  it('rejects bad row filters and a cursor from another order', async () => {
    assert.throws(() => q({ stream: 'maybe' }), /stream must be yes or no/);
    assert.throws(() => q({ minDurationMs: '-1' }), /cannot be negative/);
    assert.throws(() => q({ minCostUsd: '1e-3' }), /dollar amount/);
    assert.throws(() => q({ sort: 'tokens' }), /sort must be/);
    const timeCursor = (await requestLog(db, q({ limit: '5' }))).nextCursor!;
    assert.throws(() => q({ sort: 'cost', cursor: timeCursor }), /another order/);
    assert.throws(() => q({ cursor: encodeCursor({ offset: 5 }) }), /another order/);
  });

  it('rows carry what the table shows, with unpriced apart from not billed', async () => {
    const { rows } = await requestLog(db, q({ limit: '200' }));
    const byId = new Map(raw.map((r) => [r.id, r]));
    for (const row of rows) {
      const r = byId.get(row.id)!;
      assert.equal(row.costUsd, r.costTotalPico === null ? null : '0.00076500004');
      assert.equal(row.costState, r.promptTokens === null ? 'usage_unknown' : r.costTotalPico === null ? 'unpriced' : 'priced');
      assert.equal(row.stream, r.stream);
      assert.equal(row.apiKeyLabel, r.apiKey === 'k1' ? 'Search prod' : null);
    }
    assert.ok(rows.some((r) => r.costState === 'unpriced') && rows.some((r) => r.costState === 'usage_unknown'));
  });

  it('rejects bad cursors, sizes and statuses', () => {
    assert.throws(() => q({ cursor: 'bm90LWEtY3Vyc29y' }), /cursor/);
    assert.throws(() => q({ limit: '201' }));
    assert.throws(() => q({ limit: '0' }));
    assert.throws(() => q({ status: 'teapot' }), /status/);
    // a malformed date is a validation message (400), not a crash in the range checks (500)
    const bad = requestLogSchema.safeParse({ from: 'not-a-date', to: new Date(T0).toISOString() });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error!.issues.map((i) => i.path.join('.')), ['from']);
    assert.equal(q({ status: '', q: '' }).status, undefined);
    assert.deepEqual(q({ cursor: encodeCursor({ startedAt: T0, id: 7 }) }).cursor, { startedAt: T0, id: 7 });
  });
});

describe('request log search across hours', () => {
  it('finds matches hour by hour, newest first, inside the range only, page after page', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-request-log-hours-'));
    const hoursDb = openDatabase(path.join(dir, 'meter.db'));
    const recorder = new Recorder(hoursDb);
    for (let i = 0; i < 300; i++) {
      recorder.record({
        // about 39 minutes apart: 300 calls over 195 hours, some hours with none, some with two
        startedAt: T0 + i * 2_345_678, durationMs: 5, endpoint: 'chat/completions', model: 'm/a', servingPath: 'standard', region: 'global',
        stream: false, status: 200, apiKey: 'k1', upstreamId: `hop-${i % 3}-${i}`, sessionAffinity: i % 40 === 0 ? 'rare-session' : `s-${i}`,
      });
    }
    recorder.close();
    const all = hoursDb.select().from(requests).all();
    const from = T0 + 7.5 * 3_600_000;
    const to = T0 + 150.25 * 3_600_000;
    for (const [search, match] of [['hop-1', (r: RequestRow) => r.upstreamId!.startsWith('hop-1')], ['rare-session', (r: RequestRow) => r.sessionAffinity === 'rare-session']] as const) {
      const want = all.filter((r) => match(r) && r.startedAt >= from && r.startedAt < to).sort(newestFirst).map((r) => r.id);
      assert.ok(want.length >= 3, search);
      for (const limit of ['1', '5', '200']) {
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const page = await requestLog(hoursDb, requestLogSchema.parse({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), q: search, limit, ...(cursor ? { cursor } : {}) }));
          seen.push(...page.rows.map((r) => r.id));
          cursor = page.nextCursor;
        } while (cursor && seen.length <= all.length);
        assert.deepEqual(seen, want, `${search}, pages of ${limit}`);
      }
    }
    hoursDb.$client.close();
  });
});

describe('request detail', () => {
  it('returns the row with its price row and parsed usage', async () => {
    const priced = raw.find((r) => r.priceId !== null)!;
    const detail = (await requestDetail(db, priced.id))!;
    assert.equal(detail.request.id, priced.id);
    assert.equal(detail.request.costTotalPico, 765_000_040);
    assert.equal('usageJson' in detail.request, false);
    assert.deepEqual(detail.usage, { prompt_tokens: 1000, completion_tokens: 50, prompt_tokens_details: { cached_tokens: 400 } });
    assert.equal(detail.price?.id, priceId);
    assert.equal(detail.price?.inputMicrosPerMtok, 900_000);
    assert.equal(detail.price?.source, 'test catalog');
    assert.equal(detail.apiKeyLabel, priced.apiKey === 'k1' ? 'Search prod' : null);
  });

  it('unpriced and missing calls', async () => {
    const failed = raw.find((r) => r.status === 429)!;
    const detail = (await requestDetail(db, failed.id))!;
    assert.equal(detail.price, null);
    assert.equal(detail.usage, null);
    assert.equal(await requestDetail(db, 999_999), null);
    assert.equal(requestIdSchema.safeParse('12').data, 12);
    assert.equal(requestIdSchema.safeParse('abc').success, false);
    assert.equal(requestIdSchema.safeParse('-1').success, false);
  });
});
