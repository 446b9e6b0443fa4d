import { parseUsdToPico, picoToUsdString } from '@/lib/money';
import type { Budget, BudgetAction, BudgetScope } from './budget-schema';
import type { Period } from './period';
import { spentFraction, type BudgetEvent, type BudgetEventType } from './thresholds';

// Client-safe (the Budgets page words its inbox with eventSentence): signing lives in delivery.ts.

/**
 * What receivers get. Every event shares `id` (stable: drop repeats, delivery is at-least-once),
 * `type`, `at` (ISO) and `url` (where to look in the dashboard). Money is exact decimal dollars
 * in strings, never JSON numbers.
 */
export interface BudgetEventBody {
  id: string;
  type: BudgetEventType;
  at: string;
  budget: { id: number; name: string; scope: BudgetScope; period: Period; amountUsd: string; action: BudgetAction };
  periodStart: string;
  spentUsd: string;
  fraction: number;
  threshold: number | null;
  forecastUsd: string | null;
  url: string;
}

/** The non-budget watches. Each also has a `.cleared` type for when the condition has passed. */
export const WATCH_TYPES = ['spend.anomaly', 'cache.drop', 'headroom.low', 'pricing.unpriced', 'errors.rate'] as const;
export type WatchType = (typeof WATCH_TYPES)[number];

export interface WatchEventBody {
  id: string;
  type: WatchType | `${WatchType}.cleared`;
  at: string;
  url: string;
  cleared: boolean;
  /** One human sentence; Slack and email show it as is. */
  summary: string;
  /** The figures behind the summary, as the watch chose them (money as decimal strings). */
  details: Record<string, string | number | boolean | null>;
}

export type MeterEventBody = BudgetEventBody | WatchEventBody;

const WATCH_PAGES: Record<WatchType, string> = {
  'spend.anomaly': '/',
  'cache.drop': '/cache',
  'headroom.low': '/rate-limits',
  'pricing.unpriced': '/settings',
  'errors.rate': '/requests',
};

const link = (baseUrl: string, pathAndQuery: string) => `${baseUrl.replace(/\/+$/, '')}${pathAndQuery}`;

/** The webhook body for a budget event; `baseUrl` is the dashboard's public origin (and base path, if any). */
export function budgetEventBody(event: BudgetEvent, budget: Budget, baseUrl: string): BudgetEventBody {
  return {
    id: event.id,
    type: event.type,
    at: event.at.toISOString(),
    budget: { id: budget.id, name: budget.name, scope: budget.scope, period: budget.period, amountUsd: picoToUsdString(budget.amountPico), action: budget.action },
    periodStart: event.periodStart.toISOString(),
    spentUsd: picoToUsdString(event.spentPico),
    fraction: spentFraction(event.spentPico, budget.amountPico),
    threshold: event.threshold,
    forecastUsd: event.forecastPico === null ? null : picoToUsdString(event.forecastPico),
    url: link(baseUrl, `/budgets?budget=${budget.id}`),
  };
}

export interface WatchEvent {
  /** Stable for one occurrence (say, watch type + the hour it began), so a repeat check re-sends the same id. */
  id: string;
  type: WatchType;
  cleared: boolean;
  at: Date;
  summary: string;
  details?: WatchEventBody['details'];
  /** Dashboard path and query to link to; defaults to the watch's page. */
  path?: string;
}

export function watchEventBody(event: WatchEvent, baseUrl: string): WatchEventBody {
  return {
    id: event.id,
    type: event.cleared ? `${event.type}.cleared` : event.type,
    at: event.at.toISOString(),
    url: link(baseUrl, event.path ?? WATCH_PAGES[event.type]),
    cleared: event.cleared,
    summary: event.summary,
    details: event.details ?? {},
  };
}

const isBudgetEvent = (e: MeterEventBody): e is BudgetEventBody => e.type.startsWith('budget.');

// at least cents for people; the payload's strings are exact decimals, so this only pads or keeps
const usd = (decimal: string) => `$${picoToUsdString(parseUsdToPico(decimal) ?? 0n, 2)}`;
const PERIOD_WORDS: Record<Period, string> = { day: 'today', week: 'this week', month: 'this month' };
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;

/** One plain sentence about the event, shared by Slack and email. */
export function eventSentence(e: MeterEventBody): string {
  if (!isBudgetEvent(e)) return e.summary;
  const b = e.budget;
  const when = PERIOD_WORDS[b.period];
  if (e.type === 'budget.exceeded') {
    const refusal = b.action === 'block' ? ' Calls in its scope are refused until it resets.' : '';
    return `Budget "${b.name}" is used up: ${usd(e.spentUsd)} spent of ${usd(b.amountUsd)} ${when}.${refusal}`;
  }
  if (e.type === 'budget.forecast') {
    return `Budget "${b.name}" is forecast to reach ${usd(e.forecastUsd ?? e.spentUsd)} against ${usd(b.amountUsd)} ${when} (${usd(e.spentUsd)} spent so far).`;
  }
  return `Budget "${b.name}" has reached ${percent(e.threshold ?? e.fraction)} of ${usd(b.amountUsd)} ${when} (${usd(e.spentUsd)} spent).`;
}

// Slack reads &, < and > as markup: a budget named "<!channel>" must not ping anyone.
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The body for a Slack incoming webhook. */
export function slackMessage(e: MeterEventBody): { text: string } {
  return { text: `${slackEscape(eventSentence(e))} <${e.url}|Open in Fireworks Meter>` };
}

export function emailMessage(e: MeterEventBody): { subject: string; text: string } {
  let subject: string;
  if (isBudgetEvent(e)) {
    const name = `budget "${e.budget.name}"`;
    subject =
      e.type === 'budget.exceeded' ? `${name} is used up` : e.type === 'budget.forecast' ? `${name} is forecast to run over` : `${name} reached ${percent(e.threshold ?? e.fraction)}`;
  } else {
    subject = e.cleared ? `cleared: ${e.summary}` : e.summary;
  }
  // subjects are one line: a newline in a name must not end the header
  subject = `Fireworks Meter: ${subject}`.replace(/[\r\n]+/g, ' ').slice(0, 200);
  return { subject, text: `${eventSentence(e)}\n\n${e.url}\n\nEvent ${e.id} (${e.type}) at ${e.at}.\n` };
}
