import { expect, test, type Page } from '@playwright/test';
import { formatCount, formatPercent, formatTokens, formatUsd } from '../components/format';
import type { CacheAffinityComparison } from '../lib/analytics/cache-affinity';
import type { CacheHitRateByApiKey } from '../lib/analytics/cache-by-api-key';
import type { CacheHitRateByModel } from '../lib/analytics/cache-by-model';
import type { CacheHitRateOverTime } from '../lib/analytics/cache-over-time';
import type { OverviewTotals } from '../lib/analytics/overview';
import type { SessionsWithWorstHitRate } from '../lib/analytics/cache-worst-sessions';
import { exactSum } from './money';
import { SEEDED_WEEK } from './fixed-range';
import { E2E_ADMIN_TOKEN } from './token';

/** Opens the Cache page logged in and returns the API query string its panels use. */
async function openCache(page: Page, path = '/cache'): Promise<string> {
  const request = page.waitForRequest((r) => r.url().includes('/api/v1/cache/over-time?'));
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(path)}`);
  return new URL((await request).url()).search;
}

async function api<T>(page: Page, endpoint: string, search: string): Promise<T> {
  const res = await page.request.get(`/api/v1/${endpoint}${search}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as T;
}

const stat = (page: Page, id: string) => page.getByTestId(id).locator('.stat-value');
const column = (page: Page, testId: string, index: number) =>
  page.getByTestId(testId).locator('tbody tr').evaluateAll((trs, i) => trs.map((tr) => tr.children[i]!.textContent), index);

test('Cache: token-weighted rates lead, and every panel shows the API figures', async ({ page }) => {
  const search = await openCache(page);
  await expect(page.getByRole('heading', { name: 'Prompt cache', exact: true })).toBeVisible();

  const totals = (await api<OverviewTotals>(page, 'overview', search)).current;
  expect(totals.cachedTokens).toBeGreaterThan(0);
  await expect(stat(page, 'cache-hit-rate')).toHaveText(formatPercent(totals.hitRate));
  await expect(stat(page, 'cache-per-request')).toHaveText(formatPercent(totals.perRequestHitRate));
  await expect(stat(page, 'cache-savings')).toHaveText(formatUsd(totals.cacheSavingsMicros));
  // The token-weighted stat comes first.
  await expect(page.locator('.stat .stat-label').first()).toHaveText('Hit rate (token-weighted)');

  const overTime = await api<CacheHitRateOverTime>(page, 'cache/over-time', search);
  expect(overTime.points.reduce((s, p) => s + p.promptTokens, 0)).toBe(totals.promptTokens);
  expect(overTime.points.reduce((s, p) => s + p.cachedTokens, 0)).toBe(totals.cachedTokens);
  const chartPanel = page.getByRole('region', { name: 'Hit rate over time' });
  await expect(chartPanel.locator('.recharts-wrapper')).toHaveCount(2);
  await expect(chartPanel).toContainText('Token-weighted hit rate');
  await expect(chartPanel).toContainText('Per-request hit rate');

  const byModel = await api<CacheHitRateByModel>(page, 'cache/by-model', search);
  expect(byModel.rows.reduce((s, r) => s + r.cachedTokens, 0)).toBe(totals.cachedTokens);
  expect(await column(page, 'cache-by-model', 1)).toEqual(byModel.rows.map((r) => formatPercent(r.hitRate)));
  expect(await column(page, 'cache-by-model', 5)).toEqual(byModel.rows.map((r) => formatUsd(r.savingsMicros)));
  const byKey = await api<CacheHitRateByApiKey>(page, 'cache/by-api-key', search);
  expect(exactSum(byKey.rows.map((r) => r.savingsUsd))).toBe(totals.cacheSavingsUsd);
  expect(await column(page, 'cache-by-api-key', 1)).toEqual(byKey.rows.map((r) => formatPercent(r.hitRate)));

  const affinity = await api<CacheAffinityComparison>(page, 'cache/affinity', search);
  expect(affinity.withAffinity.requests + affinity.withoutAffinity.requests).toBe(totals.requests);
  expect(exactSum([affinity.withAffinity.savingsUsd, affinity.withoutAffinity.savingsUsd])).toBe(totals.cacheSavingsUsd);
  const affinityTable = page.getByTestId('affinity');
  await expect(affinityTable.getByRole('row', { name: /^Requests/ })).toHaveText(`Requests${formatCount(affinity.withAffinity.requests)}${formatCount(affinity.withoutAffinity.requests)}`);
  await expect(affinityTable.getByRole('row', { name: /Hit rate \(token-weighted\)/ })).toHaveText(
    `Hit rate (token-weighted)${formatPercent(affinity.withAffinity.hitRate)}${formatPercent(affinity.withoutAffinity.hitRate)}`,
  );
  expect(affinity.missedSavings).not.toBeNull();
  const estimate = page.getByTestId('missed-savings');
  await expect(estimate).toContainText('ESTIMATE');
  await expect(estimate.locator('.estimate-value')).toHaveText(`≈ ${formatUsd(affinity.missedSavings!.estimateMicros)}`);
  await expect(estimate).toContainText(`${formatCount(affinity.withoutAffinity.promptTokens)} × max(0, ${formatPercent(affinity.withAffinity.hitRate)}`);

  const sessions = await api<SessionsWithWorstHitRate>(page, 'cache/worst-sessions', search);
  expect(sessions.rows.length).toBeGreaterThan(0);
  expect(sessions.rows.every((s) => s.requests >= 2)).toBe(true);
  const rates = sessions.rows.map((s) => s.hitRate);
  expect(rates).toEqual([...rates].sort((a, b) => a - b));
  expect(await column(page, 'worst-sessions', 0)).toEqual(sessions.rows.map((s) => s.session));
  expect(await column(page, 'worst-sessions', 3)).toEqual(sessions.rows.map((s) => formatPercent(s.hitRate)));
  expect(await column(page, 'worst-sessions', 5)).toEqual(sessions.rows.map((s) => formatTokens(s.promptTokens)));

  await expect(page.getByRole('region', { name: "How Fireworks' prompt cache works" })).toContainText('x-session-affinity');
  await page.screenshot({ path: 'docs/screenshots/cache.png', fullPage: true });
});

test('Cache: an API-key filter goes into the URL and narrows every panel; sessions say which filters they ignore', async ({ page }) => {
  const search = await openCache(page, `/cache?${SEEDED_WEEK.view}`);
  const byKey = await api<CacheHitRateByApiKey>(page, 'cache/by-api-key', search);
  await expect(page.getByTestId('cache-by-api-key').locator('tbody tr')).toHaveCount(byKey.rows.length);
  const key = byKey.rows[0]!.apiKey;

  await page.getByLabel('API key', { exact: true }).selectOption(key);
  await expect.poll(() => new URL(page.url()).searchParams.getAll('apiKey')).toEqual([key]);
  const narrowed = `${search}&apiKey=${encodeURIComponent(key)}`;
  const totals = (await api<OverviewTotals>(page, 'overview', narrowed)).current;
  await expect(stat(page, 'cache-hit-rate')).toHaveText(formatPercent(totals.hitRate));
  await expect(page.getByTestId('cache-by-api-key').locator('tbody tr')).toHaveCount(1);
  const sessions = await api<SessionsWithWorstHitRate>(page, 'cache/worst-sessions', narrowed);
  expect(sessions.rows.every((s) => s.apiKey === key)).toBe(true);
  await expect(page.getByTestId('worst-sessions').locator('tbody tr')).toHaveCount(sessions.rows.length);

  const teams = await (await page.request.get('/api/v1/filter-options')).json() as { teams: string[] };
  await page.getByLabel('Team', { exact: true }).selectOption(teams.teams[0]!);
  await expect.poll(() => new URL(page.url()).searchParams.getAll('team')).toEqual([teams.teams[0]]);
  await expect(page.getByRole('region', { name: 'Sessions with the worst hit rate' }).locator('.warning')).toContainText('Not applied to sessions: team');
});

test('Cache: a bad range is said once, at the range, and the panels wait for a good one', async ({ page }) => {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent('/cache?range=custom&from=not-a-date&to=2026-01-01T00:00:00Z')}`);
  await expect(page.getByTestId('range-problem')).toHaveText('From is not a date and time.');
  await expect(page.getByText('Waiting for a valid date range (see the filter bar).')).toHaveCount(6);
  await expect(page.locator('.state.error')).toHaveCount(0);
});

test('Cache: both charts also read as tables, with the API figures', async ({ page }) => {
  const search = await openCache(page);
  const data = await api<CacheHitRateOverTime>(page, 'cache/over-time', search);
  const panel = page.getByRole('region', { name: 'Hit rate over time' });
  await panel.getByRole('button', { name: 'Show as table' }).first().click();
  const table = panel.locator('table').first();
  await expect(table.locator('thead')).toContainText('Token-weighted hit rate');
  await expect(table.locator('tbody tr')).toHaveCount(data.points.length);
  const withRate = data.points.findIndex((p) => p.hitRate !== null);
  await expect(table.locator('tbody tr').nth(withRate).locator('td').nth(1)).toHaveText(formatPercent(data.points[withRate]!.hitRate));
});

test('Cache: hit rate lines per model, kept in the URL, each as the API gives it', async ({ page }) => {
  const search = await openCache(page);
  const panel = page.getByRole('region', { name: 'Hit rate over time' });
  await panel.getByRole('combobox', { name: 'Hit rate lines by' }).selectOption('model');
  await expect(page).toHaveURL(/cacheBy=model/);
  const data = await api<CacheHitRateOverTime>(page, 'cache/over-time', `${search}&groupBy=model`);
  expect(data.byGroup!.groups.length).toBeGreaterThan(1);
  await panel.getByRole('button', { name: 'Show as table' }).first().click();
  const header = panel.locator('table').first().locator('thead th');
  await expect(header).toHaveCount(data.byGroup!.groups.length + 1);
});
