import { and, eq, isNull } from 'drizzle-orm';
import { orm, tablesOf, type MeterDb } from '@/db/database';
import { readSetting, writeSetting } from '@/lib/settings/stored-settings';
import { rangeFilters, type Filters } from '@/lib/analytics/engine/filters';
import { rateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import { totalsBy, type UsageTotals } from '@/lib/analytics/engine/totals';
import { HOUR_MS, MINUTE_MS, DAY_MS } from '@/lib/rollups/definition';
import { parseUsdToPico, picoToUsdString } from '@/lib/money';
import { defaultChannels, raiseEvent } from './outbox';
import { watchEventBody, type WatchType } from './payload';
import { DEFAULT_WATCH_SETTINGS, watchSettingsSchema, type WatchSettings } from './watch-settings';

export { DEFAULT_WATCH_SETTINGS, watchSettingsSchema, type WatchSettings };

const SETTINGS_KEY = 'alerts.watches';

/** The watches as saved, each watch missing or no longer valid at its default. */
export async function watchSettings(db: MeterDb): Promise<WatchSettings> {
  const stored = watchSettingsSchema.partial().safeParse(await readSetting<unknown>(db, SETTINGS_KEY, {}));
  return { ...DEFAULT_WATCH_SETTINGS, ...(stored.success ? stored.data : {}) };
}

export const setWatchSettings = (db: MeterDb, value: WatchSettings): Promise<void> => writeSetting(db, SETTINGS_KEY, value);

/** A condition found now: what it is about and what to tell people. */
interface Finding {
  subject: string;
  summary: string;
  details: Record<string, string | number | boolean | null>;
}

const window = (from: number, to: number): Filters => rangeFilters(new Date(from), new Date(to));
const spendPico = (t: UsageTotals | undefined) => parseUsdToPico(t?.spendUsd ?? '0')!;
const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

const FIND: { [W in WatchType]: (db: MeterDb, now: number, s: WatchSettings[W]) => Promise<Finding[]> } = {
  'spend.anomaly': async (db, now, s) => {
    const hourEnd = Math.floor(now / HOUR_MS) * HOUR_MS;
    const spentIn = async (end: number) => spendPico((await totalsBy(db, window(end - HOUR_MS, end), []))[0]);
    const spent = await spentIn(hourEnd);
    const before: bigint[] = [];
    for (let d = 1; d <= 7; d++) before.push(await spentIn(hourEnd - d * DAY_MS));
    before.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const median = before[3]!;
    const over = spent * 10n > median * BigInt(Math.round(s.factor * 10)) && spent >= BigInt(Math.round(s.minUsd * 1e6)) * 1_000_000n;
    return over
      ? [{ subject: 'account', summary: `Spend in the hour to ${new Date(hourEnd).toISOString()} was $${picoToUsdString(spent, 2)}, against a median of $${picoToUsdString(median, 2)} for that hour.`, details: { spentUsd: picoToUsdString(spent), medianUsd: picoToUsdString(median), factor: s.factor } }]
      : [];
  },
  'cache.drop': async (db, now, s) => {
    const recent = await totalsBy(db, window(now - HOUR_MS, now), ['model']);
    const week = new Map((await totalsBy(db, window(now - 7 * DAY_MS - HOUR_MS, now - HOUR_MS), ['model'])).map((r) => [r.model, r]));
    return recent.flatMap((r) => {
      const base = week.get(r.model)?.hitRate;
      if (r.hitRate === null || base === null || base === undefined || r.promptTokens < s.minPromptTokens) return [];
      const drop = (base - r.hitRate) * 100;
      return drop > s.points ? [{ subject: r.model, summary: `Cache hit rate of ${r.model} fell to ${pct(r.hitRate)} in the last hour, from ${pct(base)} over the last 7 days.`, details: { model: r.model, hitRate: r.hitRate, baseline: base } }] : [];
    });
  },
  'headroom.low': async (db, now, s) =>
    (await rateLimitHeadroom(db, window(now - 15 * MINUTE_MS, now))).rows.flatMap((r) =>
      r.lowestHeadroom !== null && r.lowestHeadroom < s.below
        ? [{ subject: r.model, summary: `Rate-limit headroom of ${r.model} is ${pct(r.lowestHeadroom)} (${r.headroomSource === 'fireworks' ? 'as Fireworks reports it' : "Meter's own count"}).`, details: { model: r.model, headroom: r.lowestHeadroom, source: r.headroomSource } }]
        : [],
    ),
  'pricing.unpriced': async (db, now) =>
    (await totalsBy(db, window(now - HOUR_MS, now), ['model'])).flatMap((r) =>
      r.unpricedRequests > 0 ? [{ subject: r.model, summary: `${r.model} was called ${r.unpricedRequests} times in the last hour without a price row: add one in Settings.`, details: { model: r.model, unpricedRequests: r.unpricedRequests } }] : [],
    ),
  'errors.rate': async (db, now, s) => {
    const [t] = await totalsBy(db, window(now - 15 * MINUTE_MS, now), []);
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
export async function runWatches(db: MeterDb, now: number, baseUrl: string): Promise<number> {
  const { watchEpisodes } = tablesOf(db);
  const config = await watchSettings(db);
  const channels = await defaultChannels(db);
  let raised = 0;
  for (const type of Object.keys(FIND) as WatchType[]) {
    const open = await orm(db).select().from(watchEpisodes).where(and(eq(watchEpisodes.watch, type), isNull(watchEpisodes.clearedAt)));
    const findings = config[type].enabled ? await (FIND[type] as (db: MeterDb, now: number, s: unknown) => Promise<Finding[]>)(db, now, config[type]) : [];
    const found = new Set(findings.map((f) => f.subject));
    const raise = async (id: string, cleared: boolean, summary: string, details: Finding['details']) => {
      // deliveries are scheduled on the system clock, which the outbox worker reads
      if (await raiseEvent(db, watchEventBody({ id, type, cleared, at: new Date(now), summary, details }, baseUrl), null, channels, Date.now())) raised++;
    };
    for (const f of findings) {
      if (open.some((e) => e.subject === f.subject)) continue;
      await orm(db).insert(watchEpisodes).values({ watch: type, subject: f.subject, startedAt: now }).onConflictDoNothing();
      await raise(`${type}:${f.subject}:${new Date(now).toISOString()}`, false, f.summary, f.details);
    }
    for (const e of open) {
      if (found.has(e.subject)) continue;
      await orm(db).update(watchEpisodes).set({ clearedAt: now }).where(and(eq(watchEpisodes.watch, type), eq(watchEpisodes.subject, e.subject), eq(watchEpisodes.startedAt, e.startedAt)));
      // a watch switched off closes its episodes without a word
      if (config[type].enabled) await raise(`${type}:${e.subject}:${new Date(e.startedAt).toISOString()}:cleared`, true, `Cleared: ${e.subject === 'account' ? type : `${type} for ${e.subject}`}, which began ${new Date(e.startedAt).toISOString()}.`, { subject: e.subject, since: new Date(e.startedAt).toISOString() });
    }
  }
  return raised;
}
