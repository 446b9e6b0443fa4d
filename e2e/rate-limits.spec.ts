import { expect, test, type Page } from '@playwright/test';
import type { RateLimitHeadroom } from '@/lib/analytics/rate-limits-headroom';
import type { RateLimitRefusals } from '@/lib/analytics/rate-limits-refusals';
import type { RateLimitUsageOverTime } from '@/lib/analytics/rate-limits-over-time';
import { fixedRange } from './fixed-range';
import { E2E_ADMIN_TOKEN } from './token';

const { from, to, view } = fixedRange(2 * 3_600_000);

async function open(page: Page, query: string) {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(`/rate-limits?${query}`)}`);
}

async function api<T>(page: Page, endpoint: string, extra = ''): Promise<T> {
  const tz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const res = await page.request.get(`/api/v1/${endpoint}?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&tz=${encodeURIComponent(tz)}${extra}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as T;
}

const count = (n: number) => new Intl.NumberFormat('en-US').format(n);

test('rate limits: headroom per model, counts equal the API, model filter narrows, chart per meter', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('heading', { name: 'Rate limits' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Rate-limit headroom' });
  await expect(table.locator('tbody tr').first()).toBeVisible();

  const headroom = await api<RateLimitHeadroom>(page, 'rate-limits/headroom');
  expect(headroom.rows.length).toBeGreaterThan(1);
  await expect(table.locator('tbody tr')).toHaveCount(headroom.rows.length);
  const total429 = headroom.rows.reduce((s, r) => s + r.rateLimited, 0);
  const total503 = headroom.rows.reduce((s, r) => s + r.overloaded, 0);
  await expect(page.getByTestId('stat-429').locator('.stat-value')).toHaveText(count(total429));
  await expect(page.getByTestId('stat-503').locator('.stat-value')).toHaveText(count(total503));
  await expect(table.locator('tbody tr').first().getByTestId('row-429')).toHaveText(count(headroom.rows[0]!.rateLimited));

  // calls turned away: the by-key table equals the API, and its 429s add up with the headroom table's
  const refusals = await api<RateLimitRefusals>(page, 'rate-limits/refusals');
  const byKey = page.getByTestId('refusals-by-key');
  await expect(byKey.locator('tbody tr')).toHaveCount(refusals.byKey.length);
  expect(refusals.byKey.reduce((s, k) => s + k.rateLimited, 0)).toBe(total429);
  if (refusals.byKey[0]) await expect(byKey.locator('tbody tr').first().locator('td').nth(2)).toHaveText(count(refusals.byKey[0].rateLimited));

  // the chart draws usage and limit lines for every series, on whichever meter is chosen
  const overTime = await api<RateLimitUsageOverTime>(page, 'rate-limits/over-time');
  expect(overTime.series.length).toBe(headroom.rows.length);
  const chart = page.getByRole('region', { name: 'Tokens per minute against the limit' });
  await expect(chart.locator('svg.recharts-surface').first()).toBeVisible();
  await expect(chart.locator('path.recharts-line-curve')).toHaveCount(2 * overTime.series.length);
  await chart.getByRole('button', { name: 'Generated' }).click();
  await expect(chart.getByRole('button', { name: 'Generated' })).toHaveAttribute('aria-pressed', 'true');

  // filtering by one model changes the URL and narrows every figure to that model
  const model = headroom.rows[0]!.model;
  await page.getByLabel('Model', { exact: true }).selectOption(model);
  await expect(page).toHaveURL(new RegExp(`model=${encodeURIComponent(model).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await expect(table.locator('tbody tr')).toHaveCount(1);
  const narrowed = await api<RateLimitHeadroom>(page, 'rate-limits/headroom', `&model=${encodeURIComponent(model)}`);
  await expect(page.getByTestId('stat-429').locator('.stat-value')).toHaveText(count(narrowed.rows[0]!.rateLimited));

  // a filter the meters cannot apply is explained rather than silently ignored
  await page.getByLabel('Serving path', { exact: true }).selectOption('priority');
  await expect(page.getByText(/serving path filter does not apply here/).first()).toBeVisible();
});

test('rate limits: screenshot', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('table', { name: 'Rate-limit headroom' }).locator('tbody tr').first()).toBeVisible();
  await expect(page.locator('path.recharts-line-curve').first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/rate-limits.png', fullPage: true });
});

test('rate limits: a bad query string shows the error state', async ({ page }) => {
  await open(page, 'range=custom&from=not-a-date&to=2026-01-01T00:00:00Z');
  await expect(page.getByTestId('range-problem')).toHaveText('From is not a date and time.');
  const res = await page.request.get('/api/v1/rate-limits/headroom?from=yesterday&to=now');
  expect(res.status()).toBe(400);
});

test('rate limits: the usage and refusal charts also read as tables', async ({ page }) => {
  await open(page, view);
  const usage = page.getByRole('region', { name: 'Tokens per minute against the limit' });
  await usage.getByRole('button', { name: 'Show as table' }).click();
  await expect(usage.locator('table thead')).toContainText('used / min');
  await expect(usage.locator('table thead')).toContainText('limit / min');
  await expect(usage.locator('table tbody tr').first()).toBeVisible();
  await usage.getByRole('button', { name: 'Show as chart' }).click();
  await expect(usage.locator('.recharts-wrapper')).toBeVisible();
});
