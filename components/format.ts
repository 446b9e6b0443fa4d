// Shared formatters so every page and chart shows money, tokens and rates the same way.
import { picoToUsdString } from '@/lib/money';
import { COST_STATE_LABELS } from '@/lib/pricing/cost-state';
import { SERVING_PATH_LIST, type ServingPath } from '@/lib/pricing/serving-paths';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdPrecise = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US');
const percent = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Integer micro-dollars to dollars and cents, rounded half up on the exact integer (matches the CSV summed to the cent). */
export function formatUsd(micros: number): string {
  const cents = Math.floor((Math.abs(micros) + 5_000) / 10_000) * Math.sign(micros);
  return usd.format(cents / 100);
}

/** To the micro-dollar, for chart tooltips (their values are already rounded micro-dollars). */
export function formatUsdPrecise(micros: number): string {
  return usdPrecise.format(micros / 1e6);
}

/**
 * An exact decimal dollar amount as the API gives it ("0.00000004", "1234.500000"), with every
 * significant digit and at least cents: "$0.00000004", "$1,234.50". No float touches it.
 */
export function formatUsdExact(amount: string): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(amount);
  if (!m) return amount;
  const fraction = (m[3] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${m[1]}$${whole.format(BigInt(m[2]!))}.${fraction}`;
}

/** An exact pico-dollar amount (a recorded call's cost), shown exactly. */
export function formatPicoExact(pico: number): string {
  return formatUsdExact(picoToUsdString(pico));
}

export function formatTokens(n: number): string {
  return n < 10_000 ? whole.format(n) : compact.format(n);
}

export function formatCount(n: number): string {
  return whole.format(n);
}

export function formatPercent(rate: number | null): string {
  return rate === null ? '—' : percent.format(rate);
}

// Built once: toLocaleString with options builds a new formatter on every call, and charts call
// these for every tick and point.
const dayOfMonth = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatTime(t: number, bucket: 'minute' | 'hour' | 'day'): string {
  return (bucket === 'day' ? dayOfMonth : dayAndTime).format(t);
}

export const SERVING_PATH_COLORS = Object.fromEntries(SERVING_PATH_LIST.map((p) => [p.id, p.colour])) as Record<ServingPath, string>;

/** A moment to the second in the viewer's zone, for single calls. */
export function formatDateTime(t: number): string {
  return fullTime.format(t);
}

/** Durations: whole milliseconds below 10 s, then seconds. Null is "—" (not measured). */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 10_000 ? `${whole.format(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Fireworks model ids without the account prefix everyone shares. */
export function formatModel(model: string): string {
  return model.replace(/^accounts\/fireworks\/(models|routers)\//, '');
}

/** A Fireworks-Annotations tag value; calls without the tag are grouped under ''. */
export function formatTag(value: string): string {
  return value === '' ? 'untagged' : value;
}

/** An API-key fingerprint with the label someone gave it, when there is one. */
export function formatApiKey(apiKey: string, label: string | null): string {
  return label ? `${label} (${apiKey})` : apiKey;
}

/**
 * Spend for a row, never $0.00 for calls that could not be priced: "unpriced" when only unpriced
 * calls made it, "usage unknown" when no call reported usage; a zero-priced call shows $0.00.
 */
export function formatSpend(t: { spendMicros: number; requests: number; unpricedRequests: number; usageUnknownRequests: number }): string {
  if (t.spendMicros !== 0) return formatUsd(t.spendMicros);
  const priced = t.requests - t.unpricedRequests - t.usageUnknownRequests;
  if (priced > 0) return formatUsd(0);
  if (t.unpricedRequests > 0) return 'unpriced';
  return t.requests > 0 ? COST_STATE_LABELS.usage_unknown : formatUsd(0);
}

export const CACHE_COLORS = {
  hitRate: '#8b5cf6',
  perRequestHitRate: '#f59e0b',
  cached: '#10b981',
  uncached: '#94a3b8',
};

/** A price in integer micro-dollars per 1M tokens, exact and without trailing zeros: 8750 → "$0.00875". */
export function formatUsdPerMtok(micros: number): string {
  const digits = String(Math.abs(micros)).padStart(7, '0');
  const cents = digits.slice(-6).replace(/0+$/, '').padEnd(2, '0');
  return `${micros < 0 ? '-' : ''}$${digits.slice(0, -6)}.${cents}`;
}

export const FORECAST_COLORS = {
  thisMonth: '#6366f1',
  lastMonth: '#94a3b8',
  budget: '#ef4444',
};

const usdSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 3 });

/** Axis ticks: cents from $1 up; below, three significant digits ($0.0025, not three ticks all "$0.00"). */
export function formatUsdAxis(micros: number): string {
  return Math.abs(micros) >= 1_000_000 || micros === 0 ? formatUsd(micros) : usdSmall.format(micros / 1e6);
}

/** Colours for series that are not serving paths (models, keys, teams): eight that stay distinct side by side. */
export const SERIES_PALETTE = ['#6366f1', '#f59e0b', '#10b981', '#ef4444', '#0ea5e9', '#a855f7', '#84cc16', '#ec4899'];
