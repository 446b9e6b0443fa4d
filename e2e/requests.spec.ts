import { expect, test, type Page } from '@playwright/test';
import type { RequestDetail } from '@/lib/analytics/requests-id';
import type { RequestLogPage } from '@/lib/analytics/requests';
import { formatPicoExact } from '../components/format';
import { fixedRange } from './fixed-range';
import { E2E_ADMIN_TOKEN } from './token';

const { from, to, view } = fixedRange(2 * 3_600_000);

async function open(page: Page, query: string) {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(`/requests?${query}`)}`);
}

async function api(page: Page, extra = ''): Promise<RequestLogPage> {
  const tz = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const res = await page.request.get(`/api/v1/requests?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&tz=${encodeURIComponent(tz)}${extra}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as RequestLogPage;
}

const shownIds = (page: Page) => page.getByRole('table', { name: 'Requests' }).locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-id'))));

test('requests: rows equal the API, paging by cursor both ways', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('heading', { name: 'Requests' })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Requests' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();

  const first = await api(page);
  expect(first.rows.length).toBe(50);
  expect(first.nextCursor).not.toBeNull();
  expect(await shownIds(page)).toEqual(first.rows.map((r) => r.id));
  const unpriced = first.rows.findIndex((r) => r.costState === 'unpriced');
  if (unpriced >= 0) await expect(rows.nth(unpriced).locator('td').nth(8)).toHaveText('unpriced');
  const unknown = first.rows.findIndex((r) => r.costState === 'usage_unknown');
  if (unknown >= 0) await expect(rows.nth(unknown).locator('td').nth(8)).toHaveText('usage unknown');

  await page.getByRole('button', { name: 'Next page →' }).click();
  await expect(page.getByTestId('page-number')).toContainText('Page 2');
  const second = await api(page, `&cursor=${first.nextCursor}`);
  await expect.poll(() => shownIds(page)).toEqual(second.rows.map((r) => r.id));
  expect(Math.max(...second.rows.map((r) => r.startedAt))).toBeLessThanOrEqual(Math.min(...first.rows.map((r) => r.startedAt)));

  await page.getByRole('button', { name: '← Newer' }).click();
  await expect(page.getByTestId('page-number')).toContainText('Page 1');
  await expect.poll(() => shownIds(page)).toEqual(first.rows.map((r) => r.id));
});

test('requests: status filter and search go into the URL and narrow the rows', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('table', { name: 'Requests' }).locator('tbody tr').first()).toBeVisible();

  await page.getByLabel('Status').selectOption('error');
  await expect(page).toHaveURL(/status=error/);
  const errors = await api(page, '&status=error');
  expect(errors.rows.length).toBeGreaterThan(0);
  await expect.poll(() => shownIds(page)).toEqual(errors.rows.map((r) => r.id));
  expect(errors.rows.every((r) => r.status >= 400)).toBe(true);

  await page.getByLabel('Status').selectOption('');
  // the search must start from the URL without the status filter, as a person's next step would
  await expect(page).not.toHaveURL(/status=/);
  await expect.poll(() => shownIds(page)).not.toEqual(errors.rows.map((r) => r.id));
  const all = await api(page);
  const target = all.rows.find((r) => r.upstreamId)!;
  const prefix = target.upstreamId!.slice(0, target.upstreamId!.length - 2);
  await page.getByLabel('Search requests').fill(prefix);
  await page.getByLabel('Search requests').press('Enter');
  await expect(page).toHaveURL(new RegExp(`q=${encodeURIComponent(prefix)}`));
  const found = await api(page, `&q=${encodeURIComponent(prefix)}`);
  expect(found.rows.map((r) => r.id)).toContain(target.id);
  await expect.poll(() => shownIds(page)).toEqual(found.rows.map((r) => r.id));
});

test('requests: order, minimums, model search and the count, with the page in the URL', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('table', { name: 'Requests' }).locator('tbody tr').first()).toBeVisible();
  const all = await api(page);
  await expect(page.getByTestId('match-count')).toHaveText(`${all.total.count.toLocaleString('en-US')}${all.total.atLeast ? '+' : ''} calls in this range`);

  await page.getByRole('combobox', { name: 'Sort' }).selectOption('cost');
  await expect(page).toHaveURL(/sort=cost/);
  const byCost = await api(page, '&sort=cost');
  await expect.poll(() => shownIds(page)).toEqual(byCost.rows.map((r) => r.id));
  const costs = byCost.rows.filter((r) => r.costUsd !== null).map((r) => Number(r.costUsd));
  expect(costs).toEqual([...costs].sort((a, b) => b - a));

  // a page deep in the list is a link: reloading it shows the same rows
  await page.getByRole('button', { name: 'Next page →' }).click();
  await expect(page).toHaveURL(/cursor=.*page=2|page=2.*cursor=/);
  const second = await api(page, `&sort=cost&cursor=${byCost.nextCursor}`);
  await expect.poll(() => shownIds(page)).toEqual(second.rows.map((r) => r.id));
  await page.reload();
  await expect(page.getByTestId('page-number')).toContainText('Page 2');
  await expect.poll(() => shownIds(page)).toEqual(second.rows.map((r) => r.id));

  // a minimum applies on Enter and starts the list again from its first page
  const slow = byCost.rows.map((r) => r.durationMs).sort((a, b) => b - a)[5]!;
  const duration = page.getByLabel('Duration at least (ms)');
  await duration.fill(String(slow));
  await duration.press('Enter');
  await expect(page).toHaveURL(new RegExp(`minDurationMs=${slow}`));
  await expect(page).not.toHaveURL(/cursor=/);
  const slowOnes = await api(page, `&sort=cost&minDurationMs=${slow}`);
  expect(slowOnes.rows.every((r) => r.durationMs >= slow)).toBe(true);
  await expect.poll(() => shownIds(page)).toEqual(slowOnes.rows.map((r) => r.id));
  await expect(page.getByTestId('match-count')).toContainText(`${slowOnes.total.count.toLocaleString('en-US')} matching calls`);

  // a part of a model's name finds its calls
  await open(page, view);
  const model = all.rows[0]!.model;
  const part = model.split('/').at(-1)!.slice(0, 6).toUpperCase();
  await page.getByLabel('Search requests').fill(part);
  await page.getByLabel('Search requests').press('Enter');
  const found = await api(page, `&q=${encodeURIComponent(part)}`);
  expect(found.rows.length).toBeGreaterThan(0);
  expect(found.rows.every((r) => r.model.toUpperCase().includes(part) || r.apiKey.toUpperCase().includes(part) || (r.apiKeyLabel ?? '').toUpperCase().includes(part) || [r.upstreamId, r.upstreamRequestId, r.sessionAffinity, r.user].some((v) => v?.startsWith(part)))).toBe(true);
  await expect.poll(() => shownIds(page)).toEqual(found.rows.map((r) => r.id));
});

test('requests: the drawer steps to the previous and next call of the page', async ({ page }) => {
  await open(page, view);
  const first = await api(page);
  await page.locator(`tr[data-id="${first.rows[1]!.id}"]`).locator('td').nth(2).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await drawer.getByRole('button', { name: 'Next call' }).click();
  await expect(drawer.getByRole('heading', { name: `Request ${first.rows[2]!.id}` })).toBeVisible();
  await drawer.getByRole('button', { name: 'Previous call' }).click();
  await drawer.getByRole('button', { name: 'Previous call' }).click();
  await expect(drawer.getByRole('heading', { name: `Request ${first.rows[0]!.id}` })).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Previous call' })).toBeDisabled();
});

test('requests: a row opens its detail with the price row and cost breakdown', async ({ page }) => {
  await open(page, view);
  const first = await api(page);
  const priced = first.rows.find((r) => r.costUsd !== null)!;
  const row = page.locator(`tr[data-id="${priced.id}"]`);
  await row.locator('td').nth(2).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByRole('heading', { name: `Request ${priced.id}` })).toBeVisible();
  const res = await page.request.get(`/api/v1/requests/${priced.id}`);
  const detail = (await res.json()) as RequestDetail;
  expect(detail.price).not.toBeNull();
  const cost = drawer.getByRole('region', { name: 'Cost' });
  await expect(cost.locator('dd').nth(3)).toHaveText(formatPicoExact(detail.request.costTotalPico!));
  await expect(drawer.getByRole('region', { name: 'Price row used' })).toContainText(detail.price!.source);
  await expect(drawer.getByRole('region', { name: 'Price row used' })).toContainText(detail.price!.effectiveFrom);
  await expect(drawer.getByRole('region', { name: 'Fireworks headers' })).toContainText('x-ratelimit-over-limit');
  await expect(drawer.getByRole('region', { name: 'Usage as sent' })).toContainText('prompt_tokens');
  await page.screenshot({ path: 'docs/screenshots/requests-detail.png', fullPage: false });
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
});

test('requests: the open call is in the URL: its link opens it, Back closes it, and Back undoes a filter', async ({ page, context }) => {
  await open(page, view);
  const first = await api(page);
  const call = first.rows[1]!;
  await page.locator(`tr[data-id="${call.id}"]`).locator('td').nth(2).click();
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer.getByRole('heading', { name: `Request ${call.id}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]call=${call.id}(&|$)`));
  await expect(drawer.getByRole('button', { name: 'Copy link' })).toBeVisible();

  // the link, opened on its own, shows the same call
  const other = await context.newPage();
  await other.goto(page.url());
  await expect(other.getByRole('dialog', { name: 'Request details' }).getByRole('heading', { name: `Request ${call.id}` })).toBeVisible();
  await other.close();

  await page.goBack();
  await expect(drawer).toBeHidden();
  await page.getByRole('combobox', { name: 'Status' }).selectOption('error');
  await expect(page).toHaveURL(/status=error/);
  await page.goBack();
  await expect(page).not.toHaveURL(/status=error/);
  await expect(page.getByRole('combobox', { name: 'Status' })).toHaveValue('');
});

test('requests: the drawer opens from the keyboard, takes the focus and gives it back', async ({ page }) => {
  await open(page, view);
  const row = page.getByRole('table', { name: 'Requests' }).locator('tbody tr').first();
  await row.focus();
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: 'Request details' });
  await expect(drawer).toBeVisible();
  await expect(drawer.getByRole('button', { name: 'Close details' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(row).toBeFocused();
});

test('requests: screenshot', async ({ page }) => {
  await open(page, view);
  await expect(page.getByRole('table', { name: 'Requests' }).locator('tbody tr').first()).toBeVisible();
  await page.screenshot({ path: 'docs/screenshots/requests.png', fullPage: true });
});

test('requests: bad query strings show the error state or a 400/404', async ({ page }) => {
  await open(page, 'range=custom&from=not-a-date&to=2026-01-01T00:00:00Z');
  await expect(page.getByTestId('range-problem')).toHaveText('From is not a date and time.');
  await open(page, `${view}&status=teapot`);
  await expect(page.getByText(/Could not load: .*status/).first()).toBeVisible();
  expect((await page.request.get(`/api/v1/requests?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&cursor=garbage`)).status()).toBe(400);
  expect((await page.request.get(`/api/v1/requests?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=500`)).status()).toBe(400);
  expect((await page.request.get('/api/v1/requests/abc')).status()).toBe(400);
  expect((await page.request.get('/api/v1/requests/99999999')).status()).toBe(404);
});
