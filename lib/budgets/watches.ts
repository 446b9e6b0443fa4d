import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { watchEpisodes } from '@/db/schema';
import { readSetting, writeSetting } from '@/lib/settings/stored-settings';
import { rangeFilters, type Filters } from '@/lib/analytics/engine/filters';
import { rateLimitHeadroomSync as rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { totalsBySync as totalsBy, type UsageTotals } from '@/lib/analytics/engine/totals';
import { HOUR_MS, MINUTE_MS, DAY_MS } from '@/lib/rollups/definition';
import { parseUsdToPico, picoToUsdString } from '@/lib/money';
import { defaultChannels, raiseEvent } from './outbox';
import { watchEventBody, type WatchType } from './payload';
import { DEFAULT_WATCH_SETTINGS, watchSettingsSchema, type WatchSettings } from './watch-settings';

export { DEFAULT_WATCH_SETTINGS, watchSettingsSchema, type WatchSettings };

const SETTINGS_KEY = 'alerts.watches';

/** The watches as saved, each watch missing or no longer valid at its default. */
export function watchSettings(db: Db): WatchSettings {
  const stored = watchSettingsSchema.partial().safeParse(readSetting<unknown>(db, SETTINGS_KEY, {}));
  return { ...DEFAULT_WATCH_SETTINGS, ...(stored.success ? stored.data : {}) };
}

export const setWatchSettings = (db: Db, value: WatchSettings): void => writeSetting(db, SETTINGS_KEY, value);

/** A condition found now: what it is about and what to tell people. */
interface Finding {
  subject: string;
  summary: string;
  details: Record<string, string | number | boolean | null>;
}

const window = (from: number, to: number): Filters => rangeFilters(new Date(from), new Date(to));
const spendPico = (t: UsageTotals | undefined) => parseUsdToPico(t?.spendUsd ?? '0')!;
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

const FIND: { [W in WatchType]: (db: Db, now: number, s: WatchSettings[W]) => Finding[] } = {
  'spend.anomaly': (db, now, s) => {
    const hourEnd = Math.floor(now / HOUR_MS) * HOUR_MS;
    const spent = spendPico(totalsBy(db, window(hourEnd - HOUR_MS, hourEnd), [])[0]);
    const before = Array.from({ length: 7 }, (_, d) => spendPico(totalsBy(db, window(hourEnd - HOUR_MS - (d + 1) * DAY_MS, hourEnd - (d + 1) * DAY_MS), [])[0])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = before[3]!;
    const over = spent * 10n > median * BigInt(Math.round(s.factor * 10)) && spent >= BigInt(Math.round(s.minUsd * 1e6)) * 1_000_000n;
    return over
      ? [{ subject: 'account', summary: `Spend in the hour to ${new Date(hourEnd).toISOString()} was $${picoToUsdString(spent, 2)}, against a median of $${picoToUsdString(median, 2)} for that hour.`, details: { spentUsd: picoToUsdString(spent), medianUsd: picoToUsdString(median), factor: s.factor } }]
      : [];
  },
  'cache.drop': (db, now, s) => {
    const recent = totalsBy(db, window(now - HOUR_MS, now), ['model']);
    const week = new Map(totalsBy(db, window(now - 7 * DAY_MS - HOUR_MS, now - HOUR_MS), ['model']).map((r) => [r.model, r]));
    return recent.flatMap((r) => {
      const base = week.get(r.model)?.hitRate;
      if (r.hitRate === null || base === null || base === undefined || r.promptTokens < s.minPromptTokens) return [];
      const drop = (base - r.hitRate) * 100;
      return drop > s.points ? [{ subject: r.model, summary: `Cache hit rate of ${r.model} fell to ${pct(r.hitRate)} in the last hour, from ${pct(base)} over the last 7 days.`, details: { model: r.model, hitRate: r.hitRate, baseline: base } }] : [];
    });
  },
  'headroom.low': (db, now, s) =>
    rateLimitHeadroom(db, window(now - 15 * MINUTE_MS, now)).rows.flatMap((r) =>
      r.lowestHeadroom !== null && r.lowestHeadroom < s.below
        ? [{ subject: r.model, summary: `Rate-limit headroom of ${r.model} is ${pct(r.lowestHeadroom)} (${r.headroomSource === 'fireworks' ? 'as Fireworks reports it' : "Meter's own count"}).`, details: { model: r.model, headroom: r.lowestHeadroom, source: r.headroomSource } }]
        : [],
    ),
  'pricing.unpriced': (db, now) =>
    totalsBy(db, window(now - HOUR_MS, now), ['model']).flatMap((r) =>
      r.unpricedRequests > 0 ? [{ subject: r.model, summary: `${r.model} was called ${r.unpricedRequests} times in the last hour without a price row: add one in Settings.`, details: { model: r.model, unpricedRequests: r.unpricedRequests } }] : [],
    ),
  'errors.rate': (db, now, s) => {
    const t = totalsBy(db, window(now - 15 * MINUTE_MS, now), [])[0];
    if (!t || t.requests < s.minRequests) return [];
    const refused = t.rateLimited + t.overloaded + t.paymentRequired;
    const share = refused / t.requests;
    return share > s.share
      ? [{ subject: 'account', summary: `${pct(share)} of the last 15 minutes' calls were turned away (${t.rateLimited} × 429, ${t.paymentRequired} × 402, ${t.overloaded} × 503).`, details: { share, rateLimited: t.rateLimited, paymentRequired: t.paymentRequired, overloaded: t.overloaded, requests: t.requests } }]
      : [];
  },
};

/**
 * Runs every enabled watch. A condition found that is not already open starts an episode and
 * alerts once; an open episode no longer found clears and alerts once more (`<type>.cleared`).
 * Event ids name the episode, so a restart or a repeated check never alerts twice.
 */
export function runWatches(db: Db, now: number, baseUrl: string): number {
  const config = watchSettings(db);
  let raised = 0;
  for (const type of Object.keys(FIND) as WatchType[]) {
    const open = db.select().from(watchEpisodes).where(and(eq(watchEpisodes.watch, type), isNull(watchEpisodes.clearedAt))).all();
    const findings = config[type].enabled ? (FIND[type] as (db: Db, now: number, s: unknown) => Finding[])(db, now, config[type]) : [];
    const found = new Set(findings.map((f) => f.subject));
    const raise = (id: string, cleared: boolean, summary: string, details: Finding['details']) => {
      // deliveries are scheduled on the system clock, which the outbox worker reads
      if (raiseEvent(db, watchEventBody({ id, type, cleared, at: new Date(now), summary, details }, baseUrl), null, defaultChannels(db), Date.now())) raised++;
    };
    for (const f of findings) {
      if (open.some((e) => e.subject === f.subject)) continue;
      db.insert(watchEpisodes).values({ watch: type, subject: f.subject, startedAt: now }).onConflictDoNothing().run();
      raise(`${type}:${f.subject}:${new Date(now).toISOString()}`, false, f.summary, f.details);
    }
    for (const e of open) {
      if (found.has(e.subject)) continue;
      db.update(watchEpisodes).set({ clearedAt: now }).where(and(eq(watchEpisodes.watch, type), eq(watchEpisodes.subject, e.subject), eq(watchEpisodes.startedAt, e.startedAt))).run();
      // a watch switched off closes its episodes without a word
      if (config[type].enabled) raise(`${type}:${e.subject}:${new Date(e.startedAt).toISOString()}:cleared`, true, `Cleared: ${e.subject === 'account' ? type : `${type} for ${e.subject}`}, which began ${new Date(e.startedAt).toISOString()}.`, { subject: e.subject, since: new Date(e.startedAt).toISOString() });
    }
  }
  return raised;
}
