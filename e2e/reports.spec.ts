import fs from 'node:fs';
import { expect, test, type Download, type Page } from '@playwright/test';
import { TZDate } from '@date-fns/tz';
import { addDays, format, startOfDay } from 'date-fns';
import type { SummaryReport } from '../lib/analytics/reports-summary';
import { formatCount, formatUsdExact } from '../components/format';
import { exactSum } from './money';
import { E2E_ADMIN_TOKEN } from './token';
import { parse } from 'csv-parse/sync';

const TZ = 'Europe/Berlin';
test.use({ timezoneId: TZ });

// Whole local days around the traffic the server generated at start, so the file name shows plain dates.
const today = startOfDay(new TZDate(Date.now(), TZ));
const from = new Date(addDays(today, -2).getTime());
const to = new Date(addDays(today, 1).getTime());
const day = (d: Date) => format(new TZDate(d.getTime(), TZ), 'yyyy-MM-dd');
const reportsUrl = `/reports?range=custom&from=${from.toISOString()}&to=${to.toISOString()}`;

const setBillingZone = async (page: Page, timeZone: string) => {
  const res = await page.request.put('/api/v1/settings/billing', { data: { timeZone }, headers: { origin: new URL(page.url()).origin } });
  expect(res.status()).toBe(200);
};

/** Logged in, with the billing zone (Settings) the tests below count days in. */
async function login(page: Page, zone = TZ, url = reportsUrl) {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=/`);
  await setBillingZone(page, zone);
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible();
}

/** The summary JSON for exactly the query the page is using (the JSON link carries it). */
async function summaryFromApi(page: Page): Promise<SummaryReport> {
  const href = await page.getByTestId('summary-json').getAttribute('href');
  const res = await page.request.get(href!);
  expect(res.ok()).toBe(true);
  return (await res.json()) as SummaryReport;
}

async function expectTotalsShown(page: Page, report: SummaryReport) {
  const t = report.totals;
  await expect(page.getByTestId('summary-total-requests')).toHaveText(formatCount(t.requests));
  await expect(page.getByTestId('summary-total-prompt')).toHaveText(formatCount(t.promptTokens));
  await expect(page.getByTestId('summary-total-cached')).toHaveText(formatCount(t.cachedTokens));
  await expect(page.getByTestId('summary-total-spend')).toHaveText(formatUsdExact(t.spendUsd));
  await expect(page.getByTestId('summary-total-savings')).toHaveText(formatUsdExact(t.cacheSavingsUsd));
  await expect(page.getByTestId('summary-total-unpriced')).toHaveText(formatCount(t.unpricedRequests));
}

async function download(page: Page, testId: string): Promise<{ download: Download; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return { download: file, text: fs.readFileSync((await file.path())!, 'utf8') };
}


const parseCsv = (text: string): string[][] => parse(text, { bom: true });

test('reports: preview totals equal the API, downloads carry the range and zone, filters narrow both', async ({ page }) => {
  await login(page);
  const report = await summaryFromApi(page);
  expect(report.totals.requests).toBeGreaterThan(100);
  expect(report.range.tz).toBe(TZ);
  await expectTotalsShown(page, report);
  await expect(page.getByText('Usage is not an invoice')).toBeVisible();
  await expect(page.locator('table.data tbody tr')).toHaveCount(Math.min(20, report.rows.length));
  await expect(page.getByTestId('summary-count')).toContainText(`Showing ${Math.min(20, report.rows.length)} of ${formatCount(report.rows.length)} rows`);
  if (report.rows.length > 20) {
    await page.getByRole('button', { name: 'Next rows →' }).click();
    await expect(page.getByTestId('summary-page')).toHaveText(`Rows 21–${formatCount(Math.min(40, report.rows.length))}`);
    await expect(page.locator('table.data tbody tr')).toHaveCount(Math.min(20, report.rows.length - 20));
    await page.getByRole('button', { name: '← Previous rows' }).click();
    await expect(page.getByTestId('summary-page')).toHaveText(`Rows 1–20`);
  }

  const summary = await download(page, 'download-summary');
  expect(summary.download.suggestedFilename()).toBe(`fireworks-meter_summary_${day(from)}_${day(to)}_Europe-Berlin.csv`);
  expect(summary.text.startsWith('\uFEFF'), 'a BOM, so Excel reads UTF-8').toBe(true);
  const summaryLines = summary.text.slice(1).trimEnd().split('\r\n');
  expect(summaryLines[0]).toBe('day,serving_path,model,api_key,api_key_label,team,project,environment,requests,prompt_tokens,cached_tokens,completion_tokens,spend_usd,cache_savings_usd,unpriced_requests,usage_unknown_requests');
  expect(summaryLines.length - 1).toBe(report.rows.length);

  // per key only: the columns go, the totals stay
  // the box follows the URL, so it flips once the navigation lands: click, then wait for both
  const tagColumns = page.getByLabel('Team, project and environment columns');
  await tagColumns.click();
  await expect(page).toHaveURL(/detail=key/);
  await expect(tagColumns).not.toBeChecked();
  await expect(page.getByTestId('download-summary')).toHaveAttribute('href', /detail=key/);
  const byKey = await download(page, 'download-summary');
  expect(byKey.text.slice(1).split('\r\n')[0]).toBe('day,serving_path,model,api_key,api_key_label,requests,prompt_tokens,cached_tokens,completion_tokens,spend_usd,cache_savings_usd,unpriced_requests,usage_unknown_requests');
  await expectTotalsShown(page, report);
  await tagColumns.click();
  await expect(page).not.toHaveURL(/detail=key/);
  await expect(tagColumns).toBeChecked();

  const requests = await download(page, 'download-requests');
  expect(requests.download.suggestedFilename()).toMatch(/^fireworks-meter_requests_\d{4}-\d\d-\d\dT\d{6}Z_\d{4}-\d\d-\d\dT\d{6}Z_UTC\.csv$/);
  expect(requests.text.startsWith('\uFEFF')).toBe(true);
  const [header, ...records] = parseCsv(requests.text);
  expect(records.length).toBe(report.totals.requests);
  const column = (name: string) => records.map((r) => r[header!.indexOf(name)]!);
  expect(exactSum(column('cost_usd'))).toBe(report.totals.spendUsd);
  expect(exactSum(column('cache_savings_usd'))).toBe(report.totals.cacheSavingsUsd);

  // a filter changes the URL, the numbers and the links together
  await page.getByRole('combobox', { name: 'Serving path', exact: true }).selectOption('standard');
  await expect(page).toHaveURL(/servingPath=standard/);
  await expect(page.getByTestId('summary-json')).toHaveAttribute('href', /servingPath=standard/);
  const filtered = await summaryFromApi(page);
  expect(filtered.totals.requests).toBeLessThan(report.totals.requests);
  expect(filtered.rows.every((r) => r.servingPath === 'standard')).toBe(true);
  await expectTotalsShown(page, filtered);
  await expect(page.getByTestId('download-requests')).toHaveAttribute('href', /servingPath=standard/);
  await page.getByRole('button', { name: /Remove Serving path standard/ }).click();
  await expectTotalsShown(page, report);

  await page.setViewportSize({ width: 1280, height: 900 });
  fs.mkdirSync('docs/screenshots', { recursive: true });
  await page.screenshot({ path: 'docs/screenshots/reports.png', fullPage: true });
});

test('reports: a bad range shows the error, not numbers', async ({ page }) => {
  await login(page);
  await page.goto('/reports?range=custom&from=not-a-date&to=2026-01-01T00:00:00Z');
  await expect(page.getByTestId('range-problem')).toHaveText('From is not a date and time.');
  await expect(page.getByText(/Could not load/)).toHaveCount(0);
  const res = await page.request.get('/api/v1/reports/summary.csv?from=not-a-date&to=2026-01-01T00:00:00Z');
  expect(res.status()).toBe(400);
});

test('reports: with the default billing zone, a Berlin browser\'s This month is the UTC month, equal to the API\'s tz=UTC month', async ({ page }) => {
  await login(page, 'UTC', '/reports?range=month');
  await expect(page.getByTestId('month-zone')).toHaveText('months in UTC');
  const report = await summaryFromApi(page);
  const now = new Date();
  const utcMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  expect(report.range.tz).toBe('UTC');
  expect(report.range.from).toBe(utcMonth.toISOString());
  const overview = (await (await page.request.get(`/api/v1/overview?from=${utcMonth.toISOString()}&to=${report.range.to}&tz=UTC`)).json()) as { current: { spendUsd: string } };
  expect(report.totals.spendUsd).toBe(overview.current.spendUsd);
  // by month: one row per serving path, model and key, labelled with the month
  await page.getByRole('combobox', { name: 'Summary by' }).selectOption('month');
  await expect(page.getByTestId('summary-json')).toHaveAttribute('href', /group=month/);
  const monthly = await summaryFromApi(page);
  expect(monthly.group).toBe('month');
  expect(new Set(monthly.rows.map((r) => r.day))).toEqual(new Set([utcMonth.toISOString().slice(0, 7)]));
  expect(monthly.totals.spendUsd).toBe(report.totals.spendUsd);
});
