import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { lowHeadroomRows, rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { rateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { Recorder } from '@/lib/recorder/recorder';

const T0 = Date.UTC(2026, 9, 1); // 2026-10-01T00:00Z
const MIN = 60_000;
const HOUR = 3_600_000;
const A = 'accounts/fireworks/models/a';
const B = 'accounts/fireworks/models/b';
const C = 'accounts/fireworks/models/c';
let db: Db;

/** A successful call with the three limits it was told about. */
function call(at: number, model: string, apiKey: string, prompt: number, cached: number, completion: number, limits: [number, number, number] | null, status = 200): NewRequestRow {
  const ok = status === 200;
  return {
    startedAt: at, durationMs: 50, endpoint: 'chat/completions', model, servingPath: 'standard', region: 'global', stream: false, status, apiKey,
    promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? cached : null, completionTokens: ok ? completion : null,
    limitPromptTpm: limits?.[0] ?? null, limitUncachedPromptTpm: limits?.[1] ?? null, limitGeneratedTpm: limits?.[2] ?? null,
  };
}

const L: [number, number, number] = [1_000_000, 100_000, 10_000];

before(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-rate-limits-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db);
  const rows: NewRequestRow[] = [
    // model A, hour 0. Minute 5: k1 + k2 together use 60k uncached of a 100k limit (the tightest minute).
    call(T0 + 5 * MIN + 1_000, A, 'k1', 200_000, 170_000, 1_000, L),
    call(T0 + 5 * MIN + 2_000, A, 'k2', 100_000, 70_000, 1_000, [1_000_000, 90_000, 10_000]),
    // minute 6: more prompt tokens but mostly cached, so further from every limit
    call(T0 + 6 * MIN, A, 'k1', 400_000, 390_000, 2_000, L),
    // minute 40: one 429 and one 503 (no usage, no limits)
    call(T0 + 40 * MIN, A, 'k1', 0, 0, 0, null, 429),
    call(T0 + 40 * MIN + 5, A, 'k2', 0, 0, 0, null, 503),
    // model A, hour 1: a single busy minute for generated tokens with a lowered limit
    call(T0 + HOUR + 3 * MIN, A, 'k1', 10_000, 0, 9_000, [1_000_000, 100_000, 9_500]),
    // model B, two minutes that tie on usage: the earlier is the peak
    call(T0 + 10 * MIN, B, 'k1', 50_000, 0, 100, L),
    call(T0 + 20 * MIN, B, 'k1', 50_000, 0, 100, L),
    // model B, next day (in UTC) — still 2026-10-01 in New York
    call(T0 + 26 * HOUR, B, 'k1', 1_000, 0, 10, L),
    // model C: Meter's own calls are small, but Fireworks says the account has 6 of 36,000 generated
    // tokens left (other clients share the account) and marks one call over the limit
    { ...call(T0 + 30 * MIN, C, 'k1', 1_000, 0, 100, [3_600_000, 900_000, 36_000]), remainingPromptTokens: 3_000_000, remainingUncachedPromptTokens: 800_000, remainingGeneratedTokens: 6, overLimit: 'yes' },
    { ...call(T0 + 31 * MIN, C, 'k1', 1_000, 0, 100, [3_600_000, 900_000, 36_000]), remainingPromptTokens: 3_500_000, remainingUncachedPromptTokens: 850_000, remainingGeneratedTokens: 20_000, overLimit: 'no' },
  ];
  for (const row of rows) recorder.record(row);
  recorder.close();
});

function filters(over: Record<string, string | string[]>): Filters {
  return filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + 2 * HOUR).toISOString(), ...over });
}

describe('rate-limit headroom', () => {
  it('picks the minute closest to any limit, summing keys per model', async () => {
    const { rows } = await rateLimitHeadroom(db, filters({}));
    const a = rows.find((r) => r.model === A)!;
    assert.equal(a.apiKey, null);
    // minute 5: uncached 30k + 30k = 60k of min(100k, 90k) = 90k -> 66.7% used; hour 1 generated 9,000 / 9,500 = 94.7% used
    assert.equal(a.peak.t, T0 + HOUR + 3 * MIN);
    assert.equal(a.peak.generatedTokens, 9_000);
    assert.equal(a.peak.limitGeneratedTpm, 9_500);
    assert.ok(Math.abs(a.headroom.generated! - (1 - 9_000 / 9_500)) < 1e-12);
    assert.equal(a.headroom.prompt, 1 - 10_000 / 1_000_000);
    assert.equal(a.headroom.uncachedPrompt, 1 - 10_000 / 100_000);
    assert.equal(a.lowestHeadroom, a.headroom.generated);
    assert.equal(a.cachingHeadroom, 0);
    assert.deepEqual([a.requests, a.rateLimited, a.overloaded], [6, 1, 1]);
  });

  it('answers a range whose ends are whole UTC hours (read from the hourly rollup alone)', async () => {
    const whole = filtersSchema.parse({ from: new Date(T0 - 24 * HOUR).toISOString(), to: new Date(T0 + 24 * HOUR).toISOString() });
    const a = (await rateLimitHeadroom(db, whole)).rows.find((r) => r.model === A)!;
    assert.equal(a.peak.t, T0 + HOUR + 3 * MIN);
    assert.equal(a.peak.generatedTokens, 9_000);
    assert.deepEqual([a.requests, a.rateLimited, a.overloaded], [6, 1, 1]);
  });

  it('follows what Fireworks reported when the account is tighter than Meter\'s own calls, and says so', async () => {
    for (const f of [filters({ to: new Date(T0 + HOUR).toISOString() }), filtersSchema.parse({ from: new Date(T0 - 24 * HOUR).toISOString(), to: new Date(T0 + 24 * HOUR).toISOString() })]) {
      const { rows } = await rateLimitHeadroom(db, f);
      const c = rows.find((r) => r.model === C)!;
      assert.ok(c.headroom.generated! > 0.99, 'Meter\'s own calls are far from the limit');
      assert.equal(c.reported.generated, 6 / 36_000);
      assert.equal(c.lowestHeadroom, 6 / 36_000);
      assert.equal(c.headroomSource, 'fireworks');
      assert.equal(c.overLimitCalls, 1);
      assert.equal(rows[0]!.model, C, 'the tightest first');
      assert.ok(lowHeadroomRows(rows).some((r) => r.model === C), 'warned');
      const a = rows.find((r) => r.model === A)!;
      assert.equal(a.headroomSource, 'meter');
      assert.equal(a.reported.generated, null);
    }
  });

  it('reports headroom and what caching bought at the peak minute', async () => {
    const f = filters({ to: new Date(T0 + HOUR).toISOString() });
    const a = (await rateLimitHeadroom(db, f)).rows.find((r) => r.model === A)!;
    assert.equal(a.peak.t, T0 + 5 * MIN);
    assert.deepEqual(
      [a.peak.promptTokens, a.peak.uncachedPromptTokens, a.peak.generatedTokens, a.peak.limitPromptTpm, a.peak.limitUncachedPromptTpm, a.peak.limitGeneratedTpm],
      [300_000, 60_000, 2_000, 1_000_000, 90_000, 10_000],
    );
    assert.equal(a.headroom.prompt, 0.7);
    assert.ok(Math.abs(a.headroom.uncachedPrompt! - 1 / 3) < 1e-12);
    assert.equal(a.headroom.generated, 0.8);
    // 240k cached tokens would have landed on a 90k uncached meter
    assert.ok(Math.abs(a.cachingHeadroom! - 240_000 / 90_000) < 1e-12);
  });

  it('splits by key when the view filters by key', async () => {
    const { rows } = await rateLimitHeadroom(db, filters({ apiKey: ['k1', 'k2'], to: new Date(T0 + HOUR).toISOString() }));
    const k2 = rows.find((r) => r.model === A && r.apiKey === 'k2')!;
    assert.equal(k2.peak.t, T0 + 5 * MIN);
    assert.equal(k2.peak.uncachedPromptTokens, 30_000);
    assert.equal(k2.peak.limitUncachedPromptTpm, 90_000);
    assert.deepEqual([k2.requests, k2.rateLimited, k2.overloaded], [2, 0, 1]);
    const k1 = rows.find((r) => r.model === A && r.apiKey === 'k1')!;
    assert.equal(k1.peak.t, T0 + 6 * MIN); // alone, k1's prompt meter at 40% in minute 6 beats its 30% uncached in minute 5
    assert.equal(rows.filter((r) => r.model === B).length, 1);
  });

  it('breaks ties on usage by the earliest minute, and sorts tightest first', async () => {
    const { rows } = await rateLimitHeadroom(db, filters({}));
    const b = rows.find((r) => r.model === B)!;
    assert.equal(b.peak.t, T0 + 10 * MIN);
    assert.ok(rows.findIndex((r) => r.model === A) < rows.findIndex((r) => r.model === B), 'A is closer to a limit than B');
  });

  it('warns below 20% headroom, not above', async () => {
    assert.deepEqual(lowHeadroomRows((await rateLimitHeadroom(db, filters({}))).rows).map((r) => r.model), [C, A]);
    // the first hour: A's own calls leave more than 20%; C's account, as Fireworks reported it, does not
    assert.deepEqual(lowHeadroomRows((await rateLimitHeadroom(db, filters({ to: new Date(T0 + HOUR).toISOString() }))).rows).map((r) => r.model), [C]);
  });

  it('narrows by model and says which filters the meters cannot apply', async () => {
    const out = await rateLimitHeadroom(db, filters({ model: B, team: 'search', servingPath: 'fast' }));
    assert.deepEqual(out.rows.map((r) => r.model), [B]);
    assert.deepEqual(out.ignoredFilters, ['team', 'servingPath']);
  });
});

describe('rate-limit usage over time', () => {
  it('hour buckets hold the busiest minute per meter and the lowest limit', async () => {
    const f = filters({ to: new Date(T0 + 3 * 86_400_000).toISOString() }); // 3 days: hour buckets
    const out = await rateLimitUsageOverTime(db, f);
    assert.equal(out.bucket, 'hour');
    const a = out.series.find((s) => s.model === A)!;
    assert.equal(a.points.length, 72);
    const h0 = a.points[0]!;
    assert.equal(h0.t, T0);
    assert.equal(h0.promptTokens, 400_000); // minute 6
    assert.equal(h0.uncachedPromptTokens, 60_000); // minute 5, both keys
    assert.equal(h0.generatedTokens, 2_000);
    assert.deepEqual([h0.limitPromptTpm, h0.limitUncachedPromptTpm, h0.limitGeneratedTpm], [1_000_000, 90_000, 10_000]);
    assert.deepEqual([h0.requests, h0.rateLimited, h0.overloaded], [5, 1, 1]);
    assert.equal(a.points[1]!.generatedTokens, 9_000);
    assert.deepEqual(a.points[2], { t: T0 + 2 * HOUR, promptTokens: 0, uncachedPromptTokens: 0, generatedTokens: 0, limitPromptTpm: null, limitUncachedPromptTpm: null, limitGeneratedTpm: null, requests: 0, rateLimited: 0, overloaded: 0 });
  });

  it('minute buckets are the minutes themselves, every minute present', async () => {
    const out = await rateLimitUsageOverTime(db, filters({ model: A }));
    assert.equal(out.bucket, 'minute');
    assert.equal(out.series.length, 1);
    const points = out.series[0]!.points;
    assert.equal(points.length, 120);
    assert.equal(points[5]!.uncachedPromptTokens, 60_000);
    assert.equal(points[6]!.promptTokens, 400_000);
    assert.equal(points[7]!.promptTokens, 0);
  });

  it('day buckets fold hours in the viewer zone with max, not sum', async () => {
    const f = filters({ to: new Date(T0 + 20 * 86_400_000).toISOString(), tz: 'America/New_York', model: B });
    const out = await rateLimitUsageOverTime(db, f);
    assert.equal(out.bucket, 'day');
    const [b] = out.series;
    // New York: Sep 30 (20:00Z..) holds both 50k minutes; Oct 1 holds the 1k minute at 02:00Z on Oct 2
    const sep30 = b!.points.find((p) => p.t === Date.UTC(2026, 8, 30, 4))!;
    const oct1 = b!.points.find((p) => p.t === Date.UTC(2026, 9, 1, 4))!;
    assert.equal(sep30.promptTokens, 50_000);
    assert.equal(sep30.requests, 2);
    assert.equal(oct1.promptTokens, 1_000);
    assert.equal(b!.points[0]!.t, Date.UTC(2026, 8, 30, 4));
  });

  it('series split by key when filtered by key', async () => {
    const out = await rateLimitUsageOverTime(db, filters({ apiKey: 'k2' }));
    assert.deepEqual(out.series.map((s) => [s.model, s.apiKey]), [[A, 'k2']]);
    assert.equal(out.series[0]!.points[5]!.uncachedPromptTokens, 30_000);
  });
});
