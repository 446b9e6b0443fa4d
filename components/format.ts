// Shared formatters so every page and chart shows money, tokens and rates the same way.

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

/** Exact to the micro-dollar, for tooltips and detail views. */
export function formatUsdExact(micros: number): string {
  return usdPrecise.format(micros / 1e6);
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

export function formatTime(t: number, bucket: 'minute' | 'hour' | 'day'): string {
  const d = new Date(t);
  if (bucket === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export const SERVING_PATH_COLORS: Record<string, string> = {
  standard: '#6366f1',
  priority: '#f59e0b',
  fast: '#10b981',
  batch: '#64748b',
};

/** A price in integer micro-dollars per 1M tokens, exact and without trailing zeros: 8750 → "$0.00875". */
export function formatUsdPerMtok(micros: number): string {
  const digits = String(Math.abs(micros)).padStart(7, '0');
  const cents = digits.slice(-6).replace(/0+$/, '').padEnd(2, '0');
  return `${micros < 0 ? '-' : ''}$${digits.slice(0, -6)}.${cents}`;
}
