import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { openDatabase, type Db } from '@/db/client';
import type { NewRequestRow } from '@/db/schema';
import { bucketFor, filtersSchema, type Filters } from '@/lib/analytics/engine/filters';
import { rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { rateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { bucketStart } from '@/lib/analytics/engine/time-buckets';
import { Recorder } from '@/lib/recorder/recorder';
import { rerunMigrationBackfill, rerunMigrationUpdates } from '../support/migrations';

// The hourly rate-limit rollup must give exactly what the per-minute rollup alone gives: checked
// against a recomputation from `rate_limit_minutely` and against brute force over its minutes.

const T0 = Date.UTC(2026, 9, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const DAYS = 20;
const MODELS = ['m/a', 'm/b', 'm/c'];
const KEYS = ['k1', 'k2', 'k3'];
let db: Db;
let dir: string;
/** The hours that get traffic (a sixth of them), so short ranges can be aimed at them. */
const busyHours = ((r) => Array.from({ length: 80 }, () => Math.floor(r() * DAYS * 24)))(rng(7));

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

interface Minute { t: number; model: string; apiKey: string; requests: number; rateLimited: number; overloaded: number; p: number; u: number; g: number; lp: number | null; lu: number | null; lg: number | null; rp: number | null; ru: number | null; rg: number | null; ol: number }

function minutesTable(): Minute[] {
  return db.$client.prepare(`
    SELECT minute_start AS t, model, api_key AS apiKey, requests, rate_limited AS rateLimited, overloaded, prompt_tokens AS p,
      uncached_prompt_tokens AS u, generated_tokens AS g, limit_prompt_tpm AS lp, limit_uncached_prompt_tpm AS lu, limit_generated_tpm AS lg,
      reported_prompt_free AS rp, reported_uncached_free AS ru, reported_generated_free AS rg, over_limit AS ol
    FROM rate_limit_minutely`).all() as Minute[];
}

const lowest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const share = (m: Pick<Minute, 'p' | 'u' | 'g' | 'lp' | 'lu' | 'lg'>) => {
  const one = (used: number, limit: number | null) => (limit ? used / limit : 0);
  return Math.max(one(m.p, m.lp), one(m.u, m.lu), one(m.g, m.lg));
};
/** The headroom query's order: closest to a limit, then more prompt tokens, then earliest. */
const better = (a: Minute, b: Minute) => share(a) > share(b) || (share(a) === share(b) && (a.p > b.p || (a.p === b.p && a.t < b.t)));

/** Minutes per (model, key), or per model with keys summed (apiKey null) as the un-keyed view sees them. */
function seriesMinutes(minutes: Minute[], perKey: boolean): Map<string, Minute[]> {
  const byMinute = new Map<string, Minute>();
  for (const m of minutes) {
    const id = `${m.model}\u0000${perKey ? m.apiKey : ''}\u0000${m.t}`;
    const into = byMinute.get(id);
    if (!into) {
      byMinute.set(id, { ...m, apiKey: perKey ? m.apiKey : (null as unknown as string) });
      continue;
    }
    into.requests += m.requests; into.rateLimited += m.rateLimited; into.overloaded += m.overloaded;
    into.p += m.p; into.u += m.u; into.g += m.g;
    into.lp = lowest(into.lp, m.lp); into.lu = lowest(into.lu, m.lu); into.lg = lowest(into.lg, m.lg);
    into.rp = lowest(into.rp, m.rp); into.ru = lowest(into.ru, m.ru); into.rg = lowest(into.rg, m.rg); into.ol += m.ol;
  }
  const out = new Map<string, Minute[]>();
  for (const m of byMinute.values()) {
    const key = `${m.model}\u0000${m.apiKey ?? ''}`;
    out.set(key, [...(out.get(key) ?? []), m]);
  }
  return out;
}

function call(at: number, model: string, apiKey: string, prompt: number, cached: number, completion: number, limits: (number | null)[], status: number): NewRequestRow {
  const ok = status === 200;
  return {
    startedAt: at, durationMs: 50, endpoint: 'chat/completions', model, servingPath: 'standard', region: 'global', stream: false, status, apiKey,
    promptTokens: ok ? prompt : null, cachedPromptTokens: ok ? cached : null, completionTokens: ok ? completion : null,
    limitPromptTpm: limits[0] ?? null, limitUncachedPromptTpm: limits[1] ?? null, limitGeneratedTpm: limits[2] ?? null,
  };
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-rate-limit-hourly-'));
  db = openDatabase(path.join(dir, 'meter.db'));
  const recorder = new Recorder(db);
  const r = rng(11);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  // A few busy minutes per hour and coarse numbers, so minutes fill up over several batches, peaks
  // move within an hour, and shares tie often. Rows arrive out of time order, batch after batch.
  // Zero limits and cached > prompt are in on purpose: neither may make a minute's figures shrink.
  const LIMITS = [[null, null, null], [100_000, 20_000, 5_000], [80_000, 20_000, 4_000], [100_000, 0, 5_000], [null, 10_000, null]];
  for (let i = 0; i < 12_000; i++) {
    const at = T0 + pick(busyHours) * HOUR + pick([0, 1, 2, 17, 30, 59]) * MIN + Math.floor(r() * MIN);
    const prompt = Math.floor(r() * 6) * 1000;
    const cached = r() < 0.05 ? prompt + 1000 : Math.floor(r() * 3) * 500;
    const row = call(at, pick(MODELS), pick(KEYS), prompt, cached, Math.floor(r() * 4) * 100, pick(LIMITS), pick([200, 200, 200, 200, 429, 503]));
    // what Fireworks told the call about the account's meters (sometimes nothing)
    if (r() < 0.6) Object.assign(row, { remainingPromptTokens: Math.floor(r() * 90_000), remainingUncachedPromptTokens: Math.floor(r() * 20_000), remainingGeneratedTokens: Math.floor(r() * 5_000) });
    row.overLimit = r() < 0.1 ? 'yes' : r() < 0.5 ? 'no' : null;
    recorder.record(row);
    if (i % 250 === 0) recorder.flush();
  }
  recorder.close();
});

function filters(over: Record<string, string | string[]>): Filters {
  return filtersSchema.parse({ from: new Date(T0).toISOString(), to: new Date(T0 + DAYS * DAY).toISOString(), ...over });
}

describe('rate_limit_hourly maintained at ingest', () => {
  it('equals a recomputation from the per-minute rollup', () => {
    const expected: Record<string, unknown>[] = [];
    for (const perKey of [true, false]) {
      for (const minutes of seriesMinutes(minutesTable(), perKey).values()) {
        const byHour = new Map<number, Minute[]>();
        for (const m of minutes) byHour.set(Math.floor(m.t / HOUR) * HOUR, [...(byHour.get(Math.floor(m.t / HOUR) * HOUR) ?? []), m]);
        for (const [hour, ms] of byHour) {
          const peak = ms.reduce((a, b) => (better(b, a) ? b : a));
          expected.push({
            api_key: perKey ? ms[0]!.apiKey : '*', hour_start: hour, model: ms[0]!.model,
            requests: ms.reduce((s, m) => s + m.requests, 0), rate_limited: ms.reduce((s, m) => s + m.rateLimited, 0), overloaded: ms.reduce((s, m) => s + m.overloaded, 0),
            busiest_prompt_tokens: Math.max(...ms.map((m) => m.p)), busiest_uncached_prompt_tokens: Math.max(...ms.map((m) => m.u)), busiest_generated_tokens: Math.max(...ms.map((m) => m.g)),
            limit_prompt_tpm: ms.map((m) => m.lp).reduce(lowest), limit_uncached_prompt_tpm: ms.map((m) => m.lu).reduce(lowest), limit_generated_tpm: ms.map((m) => m.lg).reduce(lowest),
            peak_minute_start: peak.t, peak_prompt_tokens: peak.p, peak_uncached_prompt_tokens: peak.u, peak_generated_tokens: peak.g,
            peak_limit_prompt_tpm: peak.lp, peak_limit_uncached_prompt_tpm: peak.lu, peak_limit_generated_tpm: peak.lg, peak_share: share(peak),
            reported_prompt_free: ms.map((m) => m.rp).reduce(lowest), reported_uncached_free: ms.map((m) => m.ru).reduce(lowest),
            reported_generated_free: ms.map((m) => m.rg).reduce(lowest), over_limit: ms.reduce((s, m) => s + m.ol, 0),
          });
        }
      }
    }
    const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.api_key).localeCompare(String(b.api_key)) || (a.hour_start as number) - (b.hour_start as number) || String(a.model).localeCompare(String(b.model));
    const kept = db.$client.prepare('SELECT * FROM rate_limit_hourly').all() as Record<string, unknown>[];
    assert.ok(kept.length > 300);
    assert.deepEqual(kept.sort(order), expected.sort(order));
  });

  it('moves an hour\'s peak when a later batch adds to an earlier minute', () => {
    const d = openDatabase(path.join(dir, 'moves.db'));
    const rec = new Recorder(d);
    const peakOf = () => d.$client.prepare("SELECT peak_minute_start AS t, peak_share AS s FROM rate_limit_hourly WHERE api_key = '*'").get() as { t: number; s: number };
    rec.record(call(T0 + 5 * MIN, 'm', 'k1', 10_000, 0, 0, [100_000, 100_000, 1_000], 200));
    rec.record(call(T0 + 9 * MIN, 'm', 'k1', 30_000, 0, 0, [100_000, 100_000, 1_000], 200));
    rec.flush();
    assert.deepEqual(peakOf(), { t: T0 + 9 * MIN, s: 0.3 });
    rec.record(call(T0 + 5 * MIN + 30_000, 'm', 'k2', 25_000, 0, 0, [100_000, 100_000, 1_000], 200)); // minute 5 now 35k across keys
    rec.flush();
    assert.deepEqual(peakOf(), { t: T0 + 5 * MIN, s: 0.35 });
    // a zero limit is unknown, not a limit the minute's 35k went far over (nor one that hides its share)
    rec.record(call(T0 + 5 * MIN + 40_000, 'm', 'k2', 0, 0, 0, [0, 0, 0], 429));
    rec.close();
    assert.deepEqual(peakOf(), { t: T0 + 5 * MIN, s: 0.35 });
    const minute = d.$client.prepare('SELECT limit_prompt_tpm AS lp, limit_uncached_prompt_tpm AS lu FROM rate_limit_minutely WHERE minute_start = ? AND api_key = ?').get(T0 + 5 * MIN, 'k2');
    assert.deepEqual(minute, { lp: 100_000, lu: 100_000 });
  });

  it('is stored WITHOUT ROWID, so a run of hours for one key is one contiguous read', () => {
    const { sql } = db.$client.prepare("SELECT sql FROM sqlite_master WHERE name = 'rate_limit_hourly'").get() as { sql: string };
    assert.match(sql, /WITHOUT ROWID\s*$/);
  });

  it('the migration backfill computes the same table from the minutes', () => {
    const before = db.$client.prepare('SELECT * FROM rate_limit_hourly ORDER BY api_key, hour_start, model').all();
    rerunMigrationBackfill(db, 'rate_limit_hourly', 'rate_limit_hourly');
    rerunMigrationUpdates(db, 'cost_states'); // 0010 adds what Fireworks reported
    assert.deepEqual(db.$client.prepare('SELECT * FROM rate_limit_hourly ORDER BY api_key, hour_start, model').all(), before);
  });

  it('keeps what Fireworks reported (lowest remaining / limit, over-limit calls) as the raw rows say, per key and summed', () => {
    const minutes = 'SELECT * FROM rate_limit_minutely ORDER BY minute_start, model, api_key';
    const hours = 'SELECT * FROM rate_limit_hourly ORDER BY api_key, hour_start, model';
    const [m, h] = [db.$client.prepare(minutes).all(), db.$client.prepare(hours).all()];
    assert.ok((m as { reported_generated_free: number | null }[]).some((r) => r.reported_generated_free !== null), 'the data has reported figures');
    assert.ok((h as { over_limit: number }[]).some((r) => r.over_limit > 0), 'and over-limit calls');
    db.$client.exec('UPDATE rate_limit_minutely SET reported_prompt_free = NULL, reported_uncached_free = NULL, reported_generated_free = NULL, over_limit = 0');
    db.$client.exec('UPDATE rate_limit_hourly SET reported_prompt_free = NULL, reported_uncached_free = NULL, reported_generated_free = NULL, over_limit = 0');
    rerunMigrationUpdates(db, 'cost_states');
    assert.deepEqual(db.$client.prepare(minutes).all(), m, 'minutes from the raw rows');
    assert.deepEqual(db.$client.prepare(hours).all(), h, 'hours from the minutes');
  });
});

/**
 * Over time from the minutes alone: per series and bucket, each meter's busiest minute, lowest
 * limits, sums. Like the page, minutes go to their UTC hour first and hours to the viewer's day.
 */
function bruteOverTime(f: Filters) {
  const bucket = bucketFor(f);
  const unit = bucket === 'minute' ? MIN : HOUR;
  const from = Math.floor(f.from.getTime() / MIN) * MIN;
  const inView = minutesTable().filter((m) => m.t >= from && m.t < f.to.getTime() && (!f.model.length || f.model.includes(m.model)) && (!f.apiKey.length || f.apiKey.includes(m.apiKey)));
  const out = new Map<string, Map<number, Record<string, number | null>>>();
  for (const [key, minutes] of seriesMinutes(inView, f.apiKey.length > 0)) {
    const points = new Map<number, Record<string, number | null>>();
    for (const m of minutes) {
      const t = bucketStart(Math.floor(m.t / unit) * unit, bucket, f.tz);
      const p = points.get(t);
      if (!p) {
        points.set(t, { t, promptTokens: m.p, uncachedPromptTokens: m.u, generatedTokens: m.g, limitPromptTpm: m.lp, limitUncachedPromptTpm: m.lu, limitGeneratedTpm: m.lg, requests: m.requests, rateLimited: m.rateLimited, overloaded: m.overloaded });
        continue;
      }
      p.promptTokens = Math.max(p.promptTokens!, m.p); p.uncachedPromptTokens = Math.max(p.uncachedPromptTokens!, m.u); p.generatedTokens = Math.max(p.generatedTokens!, m.g);
      p.limitPromptTpm = lowest(p.limitPromptTpm!, m.lp); p.limitUncachedPromptTpm = lowest(p.limitUncachedPromptTpm!, m.lu); p.limitGeneratedTpm = lowest(p.limitGeneratedTpm!, m.lg);
      p.requests! += m.requests; p.rateLimited! += m.rateLimited; p.overloaded! += m.overloaded;
    }
    out.set(key, points);
  }
  return out;
}

function bruteHeadroom(f: Filters) {
  const from = Math.floor(f.from.getTime() / MIN) * MIN;
  const inView = minutesTable().filter((m) => m.t >= from && m.t < f.to.getTime() && (!f.model.length || f.model.includes(m.model)) && (!f.apiKey.length || f.apiKey.includes(m.apiKey)));
  return [...seriesMinutes(inView, f.apiKey.length > 0).values()].map((ms) => {
    const peak = ms.reduce((a, b) => (better(b, a) ? b : a));
    return {
      model: peak.model, apiKey: peak.apiKey,
      peak: { t: peak.t, promptTokens: peak.p, uncachedPromptTokens: peak.u, generatedTokens: peak.g, limitPromptTpm: peak.lp, limitUncachedPromptTpm: peak.lu, limitGeneratedTpm: peak.lg },
      requests: ms.reduce((s, m) => s + m.requests, 0), rateLimited: ms.reduce((s, m) => s + m.rateLimited, 0), overloaded: ms.reduce((s, m) => s + m.overloaded, 0),
    };
  });
}

describe('rate-limit answers over ranges that cut hours', () => {
  const r = rng(5);
  const cases = Array.from({ length: 100 }, (_, i) => {
    const span = [5 * HOUR, 7 * HOUR + 13 * MIN, 2 * DAY + 1_234_567, 9 * DAY, 15 * DAY + 7 * MIN][i % 5]!;
    // short ranges start in the few hours before a busy one, so they cut into it or hold it whole
    const from = span < DAY
      ? T0 + busyHours[i % busyHours.length]! * HOUR - Math.floor(r() * 4 * HOUR)
      : T0 - DAY + Math.floor(r() * (DAYS * DAY - span + DAY));
    const over: Record<string, string | string[]> = {
      from: new Date(from).toISOString(), to: new Date(from + span).toISOString(), tz: ['UTC', 'America/New_York', 'Asia/Kolkata'][i % 3]!,
    };
    if (i % 4 === 1) over.apiKey = ['k1', 'k3'];
    if (i % 4 === 2) over.model = 'm/b';
    if (i % 7 === 3) over.apiKey = '*'; // not a key: the summed rows must not answer for it
    return filters(over);
  });

  it('over time equals brute force over the minutes', async () => {
    for (const f of cases) {
      const expected = bruteOverTime(f);
      const out = await rateLimitUsageOverTime(db, f);
      assert.deepEqual(out.series.map((s) => `${s.model}\u0000${s.apiKey ?? ''}`).sort(), [...expected.keys()].sort(), `series for ${JSON.stringify(f)}`);
      for (const s of out.series) {
        const points = expected.get(`${s.model}\u0000${s.apiKey ?? ''}`)!;
        for (const p of s.points) {
          const want = points.get(p.t) ?? { t: p.t, promptTokens: 0, uncachedPromptTokens: 0, generatedTokens: 0, limitPromptTpm: null, limitUncachedPromptTpm: null, limitGeneratedTpm: null, requests: 0, rateLimited: 0, overloaded: 0 };
          assert.deepEqual(p, want, `${s.model} ${s.apiKey} at ${new Date(p.t).toISOString()} for ${JSON.stringify(f)}`);
          points.delete(p.t);
        }
        // in a half-hour zone the hour a range starts in belongs to the day before the first one shown
        assert.ok([...points.keys()].every((t) => t < s.points[0]!.t), 'every bucket with minutes is shown');
      }
    }
  });

  it('headroom equals brute force over the minutes', async () => {
    for (const f of cases) {
      const order = (a: { model: string; apiKey: string | null }, b: { model: string; apiKey: string | null }) => a.model.localeCompare(b.model) || (a.apiKey ?? '').localeCompare(b.apiKey ?? '');
      const got = (await rateLimitHeadroom(db, f)).rows.map(({ model, apiKey, peak, requests, rateLimited, overloaded }) => ({ model, apiKey, peak, requests, rateLimited, overloaded }));
      assert.deepEqual(got.sort(order), bruteHeadroom(f).sort(order), JSON.stringify(f));
    }
  });
});
