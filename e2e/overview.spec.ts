import { expect, test, type Page } from '@playwright/test';
import { formatCount, formatPercent, formatSpend, formatUsd } from '../components/format';
import type { SpotEffectiveDiscount } from '../lib/analytics/spot-effective-discount';
import type { OverviewTotals } from '../lib/analytics/overview';
import type { SpendByApiKey } from '../lib/analytics/spend-by-api-key';
import type { SpendByModel } from '../lib/analytics/spend-by-model';
import type { SpendByTag } from '../lib/analytics/spend-by-tag';
import { parseUsdToPico, picoToMicros } from '../lib/money';
import { exactSum } from './money';
import { SEEDED_WEEK } from './fixed-range';
import { E2E_ADMIN_TOKEN } from './token';
import { parse } from 'csv-parse/sync';

const parseCsv = (text: string): string[][] => parse(text);


/** Opens the Overview logged in and returns the API query string the page used (all panels share it). */
async function openOverview(page: Page, path = '/'): Promise<string> {
  const overviewRequest = page.waitForRequest((r) => r.url().includes('/api/v1/overview?'));
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(path)}`);
  return new URL((await overviewRequest).url()).search;
}

async function api<T>(page: Page, endpoint: string, search: string): Promise<T> {
  const res = await page.request.get(`/api/v1/${endpoint}${search}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as T;
}

const spendStat = (page: Page) => page.getByTestId('stat-spend').locator('.stat-value');

test('Overview: spend equals the CSV export, and the breakdowns match the API and add up to it', async ({ page }) => {
  const search = await openOverview(page);
  const params = new URLSearchParams(search);

  const csv = await page.request.get(`/api/v1/requests.csv?from=${encodeURIComponent(params.get('from')!)}&to=${encodeURIComponent(params.get('to')!)}`);
  expect(csv.status()).toBe(200);
  const [header, ...records] = parseCsv(await csv.text());
  const cost = header!.indexOf('cost_usd');
  expect(records.length).toBeGreaterThan(100);
  const csvSpend = exactSum(records.map((r) => r[cost]!));
  expect(parseUsdToPico(csvSpend)).toBeGreaterThan(0n);
  await expect(spendStat(page)).toHaveText(formatUsd(picoToMicros(parseUsdToPico(csvSpend)!)));

  const overview = await api<OverviewTotals>(page, 'overview', search);
  expect(overview.current.spendUsd).toBe(csvSpend);
  expect(overview.current.requests).toBe(records.length);

  const byModel = await api<SpendByModel>(page, 'spend/by-model', search);
  const byKey = await api<SpendByApiKey>(page, 'spend/by-api-key', search);
  const byTag = await api<SpendByTag>(page, 'spend/by-tag', search);
  for (const rows of [byModel.rows, byKey.rows, byTag.rows]) {
    expect(exactSum(rows.map((r) => r.spendUsd))).toBe(csvSpend);
    expect(rows.reduce((s, r) => s + r.requests, 0)).toBe(overview.current.requests);
    expect(rows.reduce((s, r) => s + r.unpricedRequests, 0)).toBe(overview.current.unpricedRequests);
  }

  // The tables show the API's rows in its order; spend is the 7th column by model, 4th by key, 5th by tag.
  const tables: [string, { spendMicros: number; unpricedRequests: number; usageUnknownRequests: number; requests: number }[], number, number][] = [
    ['spend-by-model', byModel.rows, 6, 2],
    ['spend-by-api-key', byKey.rows, 3, 2],
    ['spend-by-tag', byTag.rows, 4, 3],
  ];
  for (const [testId, rows, spendColumn, requestsColumn] of tables) {
    const body = page.getByTestId(testId).locator('tbody tr');
    await expect(body).toHaveCount(rows.length);
    const shown = await body.evaluateAll((trs, { s, q }) => trs.map((tr) => [tr.children[s]!.textContent, tr.children[q]!.textContent]), { s: spendColumn, q: requestsColumn });
    expect(shown).toEqual(rows.map((r) => [formatSpend(r), formatCount(r.requests)]));
  }
  await expect(page.locator('.recharts-surface').first()).toBeVisible();

  const spot = await api<SpotEffectiveDiscount>(page, 'spot/effective-discount', search);
  expect(spot.spotCalls).toBeGreaterThan(0);
  await expect(page.getByTestId('spot-effective')).toHaveText(formatPercent(spot.effectiveDiscount));

  await page.screenshot({ path: 'docs/screenshots/overview.png', fullPage: true });
});

test('Overview: a model filter goes into the URL and changes every figure to the filtered API answer', async ({ page }) => {
  const search = await openOverview(page, `/?${SEEDED_WEEK.view}`);
  const all = await api<OverviewTotals>(page, 'overview', search);
  await expect(spendStat(page)).toHaveText(formatUsd(all.current.spendMicros));
  const byModel = await api<SpendByModel>(page, 'spend/by-model', search);
  const model = byModel.rows.find((r) => r.spendMicros > 0 && r.spendMicros < all.current.spendMicros)!.model;

  await page.getByLabel('Model', { exact: true }).selectOption(model);
  await expect.poll(() => new URL(page.url()).searchParams.getAll('model')).toEqual([model]);
  const filtered = await api<OverviewTotals>(page, 'overview', `${search}&model=${encodeURIComponent(model)}`);
  expect(filtered.current.spendMicros).toBeLessThan(all.current.spendMicros);
  await expect(spendStat(page)).toHaveText(formatUsd(filtered.current.spendMicros));
  await expect(page.getByTestId('stat-requests').locator('.stat-value')).toHaveText(formatCount(filtered.current.requests));
  const rows = page.getByTestId('spend-by-model').locator('tbody tr');
  await expect(rows).toHaveCount(byModel.rows.filter((r) => r.model === model).length);
  const filteredKeys = await api<SpendByApiKey>(page, 'spend/by-api-key', `${search}&model=${encodeURIComponent(model)}`);
  await expect(page.getByTestId('spend-by-api-key').locator('tbody tr')).toHaveCount(filteredKeys.rows.length);
});

test('Overview: a bad query string shows the error state in every panel', async ({ page }) => {
  await openOverview(page, '/?servingPath=turbo');
  await expect(page.locator('.state.error')).toHaveCount(8);
  await expect(page.locator('.state.error').first()).toContainText('Could not load');
  await expect(page.locator('.state.error').first()).toContainText('Serving path: ');
  await expect(page.locator('.state.error').first()).not.toContainText('servingPath');
});

test('Overview: an inverted custom range is said once, at the range, in words', async ({ page }) => {
  await openOverview(page);
  await page.getByRole('combobox', { name: 'Range' }).selectOption('custom');
  const from = page.getByLabel('From', { exact: true });
  await from.fill('2031-01-01T00:00');
  await from.press('Enter');
  await expect(page.getByTestId('range-problem')).toHaveText('From must be before To.');
  await expect(page.getByText('From must be before To.')).toHaveCount(1);
  await expect(page.locator('.state.error')).toHaveCount(0);
});

test('Overview: loading a page prefetches no other page, so the API calls have the server to themselves', async ({ page }) => {
  const pageFetches: string[] = [];
  page.on('request', (r) => {
    if (r.headers()['rsc']) pageFetches.push(r.url()); // Next's client fetch of a page (prefetch or navigation)
  });
  await openOverview(page, '/?range=7d');
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.waitForLoadState('networkidle');
  expect(pageFetches).toEqual([]);
  // a click still navigates, keeping the filters
  await page.getByRole('link', { name: 'Cache' }).click();
  await expect(page).toHaveURL(/\/cache\?range=7d/);
  expect(pageFetches).toHaveLength(1);
});

test('Overview: a breakdown sorts by any column, kept in the URL', async ({ page }) => {
  await openOverview(page);
  const table = page.getByTestId('spend-by-model');
  await table.getByRole('button', { name: 'Requests' }).click();
  await expect(page).toHaveURL(/sort\.spend-by-model=requests\.desc/);
  await expect(table.getByRole('columnheader', { name: /Requests/ })).toHaveAttribute('aria-sort', 'descending');
  const counts = async () => (await table.locator('tbody tr td:nth-child(3)').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  const down = await counts();
  expect(down).toEqual([...down].sort((a, b) => b - a));
  await table.getByRole('button', { name: /Requests/ }).click();
  await expect(table.getByRole('columnheader', { name: /Requests/ })).toHaveAttribute('aria-sort', 'ascending');
  const up = await counts();
  expect(up).toEqual([...down].reverse().sort((a, b) => a - b));
});

test('Overview: with the server away, the page keeps its figures and says so', async ({ page }) => {
  await openOverview(page);
  const shown = await spendStat(page).textContent();
  await page.route('**/api/v1/**', (route) => route.abort());
  await page.getByRole('combobox', { name: 'Range' }).selectOption('7d');
  await expect(page.getByText('Could not refresh: Meter did not answer; is it running?').first()).toBeVisible({ timeout: 15_000 });
  await expect(spendStat(page)).toHaveText(shown!);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});

test('Overview: the spend chart also reads as a table', async ({ page }) => {
  await openOverview(page);
  const panel = page.getByRole('region', { name: 'Spend over time' });
  await panel.getByRole('button', { name: 'Show as table' }).click();
  await expect(panel.locator('table tbody tr').first()).toBeVisible();
  await expect(panel.locator('table thead')).toContainText('Standard');
  // stacked by team instead (a second dimension), kept in the URL
  await panel.getByRole('combobox', { name: 'Stack spend by' }).selectOption('team');
  await expect(page).toHaveURL(/spendBy=team/);
  await expect(panel.locator('table thead')).toContainText('search');
  await panel.getByRole('button', { name: 'Show as chart' }).click();
  await expect(panel.locator('.recharts-wrapper')).toBeVisible();
});
