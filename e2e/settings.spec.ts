import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { format } from 'date-fns';
import type { FilterOptions } from '../lib/analytics/filter-options';
import type { SummaryReport } from '../lib/analytics/reports-summary';
import type { RepriceResult } from '../lib/pricing/reprice';
import { formatCount, formatUsdExact } from '../components/format';
import { E2E_ADMIN_TOKEN } from './token';

/** A change made with the session cookie must say it comes from Meter's own pages, as a browser's fetch does. */
const sameOrigin = (page: Page) => ({ origin: new URL(page.url()).origin });

// UTC in the browser, so the re-price form's local times are the API's instants.
test.use({ timezoneId: 'UTC' });

const DAY = 86_400_000;
const from = new Date(Math.floor(Date.now() / DAY) * DAY - 2 * DAY);
const to = new Date(Math.floor(Date.now() / DAY) * DAY + DAY);
const localInput = (d: Date) => d.toISOString().slice(0, 16);
const yesterdayUtc = new Date(Date.now() - DAY).toISOString().slice(0, 10);

async function login(page: Page) {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent('/settings')}`);
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
}

test('settings: a labelled key shows in the API-key filter', async ({ page }) => {
  await login(page);
  const first = page.locator('section[aria-label="API-key labels"] tbody tr').first();
  const fingerprint = (await first.locator('code').textContent())!;
  await first.getByRole('textbox', { name: `Label for ${fingerprint}` }).fill('Search prod (e2e)');
  await first.getByRole('textbox', { name: `Team for ${fingerprint}` }).fill('search');
  await first.getByRole('textbox', { name: `Team for ${fingerprint}` }).press('Enter'); // Enter saves, as the button does
  await expect(first.getByRole('status')).toHaveText('Saved');

  const options = (await (await page.request.get('/api/v1/filter-options')).json()) as FilterOptions;
  expect(options.apiKeys.find((k) => k.apiKey === fingerprint)?.label).toBe('Search prod (e2e)');
  // Settings has no filter bar (nothing on it is about a range); the Overview's filter shows the label
  await expect(page.getByRole('combobox', { name: 'Range' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Overview' }).click();
  await expect(page.getByRole('combobox', { name: 'API key', exact: true }).locator('option', { hasText: `Search prod (e2e) (${fingerprint})` })).toHaveCount(1);

  const bad = await page.request.put('/api/v1/settings/api-keys', { data: { label: 'no key' }, headers: sameOrigin(page) });
  expect(bad.status()).toBe(400);
});

test('settings: adding a price row, refusals show the API message', async ({ page }) => {
  await login(page);
  const form = page.getByRole('form', { name: 'Add price row' });
  const fill = async (model: string, input: string, cached: string, output: string) => {
    await form.getByLabel('Model').fill(model);
    await form.getByLabel('Input $/1M', { exact: true }).fill(input);
    await form.getByLabel('Cached input $/1M').fill(cached);
    await form.getByLabel('Output $/1M').fill(output);
    await form.getByLabel('Effective from (UTC)').fill('2026-01-01');
    await form.getByRole('button', { name: 'Add price row' }).click();
  };

  await fill('accounts/e2e/models/meter-test', '0.00875', '0.004', '0.02');
  // a model no call used is probably a typo: the page asks first
  await expect(form.getByRole('alert')).toContainText('No recorded call used accounts/e2e/models/meter-test');
  await form.getByRole('button', { name: 'Save anyway' }).click();
  await expect(form.getByRole('status')).toContainText('Added accounts/e2e/models/meter-test');
  await page.getByLabel('Filter prices').fill('meter-test');
  const row = page.locator('.price-table tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('$0.00875');
  await expect(row).toContainText('added in Settings');

  await fill('accounts/e2e/models/meter-test', '0.00875', '0.004', '0.02');
  await form.getByRole('button', { name: 'Save anyway' }).click();
  await expect(form.getByRole('alert')).toContainText('already exists');

  await fill('accounts/e2e/models/other', '0.5', '0.9', '1');
  await expect(form.getByRole('alert')).toContainText('the cached input price cannot be above the input price');
  await fill('accounts/e2e/models/other', '1e-3', '0', '1');
  await expect(form.getByRole('alert')).toContainText('input price: not a plain non-negative decimal dollar amount');
  await expect(row).toHaveCount(1);

  // a wrong price is corrected in place (same row, same date), and the audit log says so
  await row.getByRole('button', { name: /^Correct price row/ }).click();
  const correction = page.getByRole('form', { name: /^Correct price row/ });
  await correction.getByLabel('Input $/1M', { exact: true }).fill('0.0175');
  await correction.getByRole('button', { name: 'Save correction' }).click();
  await correction.getByRole('button', { name: 'Save anyway' }).click(); // still a model no call used
  await expect(row).toContainText('$0.0175');
  await expect(row.getByText('current')).toBeVisible();
  const audit = page.getByRole('region', { name: 'Audit log' });
  await expect(audit).toContainText('Price row corrected');

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: /^Delete price row/ }).click();
  await expect(row).toHaveCount(0);
  await expect(audit).toContainText('Price row deleted');
});

test('settings: re-pricing shows its figures first, then applies exactly them', async ({ page }) => {
  await login(page);
  // a new price for the busiest Standard model from yesterday on: every call of the run changes
  const summary = (await (await page.request.get(`/api/v1/reports/summary?from=${from.toISOString()}&to=${to.toISOString()}&servingPath=standard`)).json()) as SummaryReport;
  const model = summary.rows.filter((r) => !r.model.endsWith('-us') && r.promptTokens > 0).sort((a, b) => b.requests - a.requests)[0]!.model;
  const added = await page.request.post('/api/v1/settings/prices', {
    headers: sameOrigin(page),
    data: { model, servingPath: 'standard', region: 'global', inputUsdPerMtok: '4.2', cachedInputUsdPerMtok: '0.42', outputUsdPerMtok: '8.4', effectiveFrom: yesterdayUtc, confirm: true },
  });
  expect(added.status()).toBe(201);

  const form = page.getByRole('form', { name: 'Re-price' });
  // the form starts from the page's range once it has mounted; filling it before would be overwritten
  await expect(form.getByLabel('From')).not.toHaveValue('');
  await form.getByLabel('From').fill(localInput(from));
  await form.getByLabel('To').fill(localInput(to));
  await expect(form.getByRole('button', { name: 'Apply re-pricing' })).toBeDisabled();
  await form.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('reprice-preview');
  await expect(preview).toBeVisible();

  const want = (await (await page.request.post('/api/v1/settings/reprice', { data: { from: from.toISOString(), to: to.toISOString(), apply: false }, headers: sameOrigin(page) })).json()) as RepriceResult;
  expect(want.totals.changed).toBeGreaterThan(0);
  expect(want.byModel.find((m) => m.model === model)!.changed).toBeGreaterThan(0);
  await expect(preview.getByRole('status')).toContainText(`${formatCount(want.totals.changed)} of ${formatCount(want.totals.calls)} calls would be re-priced`);
  await expect(preview.getByRole('status')).toContainText(`${formatUsdExact(want.totals.oldUsd)} → ${formatUsdExact(want.totals.newUsd)}`);
  await expect(preview.locator('tbody tr').filter({ has: page.getByRole('cell', { name: model, exact: true }) })).toBeVisible();
  fs.mkdirSync('docs/screenshots', { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
  await page.screenshot({ path: 'docs/screenshots/settings.png', fullPage: true });

  await form.getByRole('button', { name: 'Apply re-pricing' }).click();
  await expect(page.getByTestId('reprice-applied').getByRole('status')).toContainText(`Applied: ${formatCount(want.totals.changed)} of`);
  const after = (await (await page.request.get(`/api/v1/reports/summary?from=${from.toISOString()}&to=${to.toISOString()}`)).json()) as SummaryReport;
  expect(after.totals.spendUsd).toBe(want.totals.newUsd);
  const again = (await (await page.request.post('/api/v1/settings/reprice', { data: { from: from.toISOString(), to: to.toISOString(), apply: false }, headers: sameOrigin(page) })).json()) as RepriceResult;
  expect(again.totals.changed).toBe(0);
});

test('settings: a bad re-price request is refused with the message', async ({ page }) => {
  await login(page);
  const res = await page.request.post('/api/v1/settings/reprice', { data: { from: 'yesterday', to: format(new Date(), 'yyyy'), apply: 'yes' }, headers: sameOrigin(page) });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(/from|apply/);
  const form = page.getByRole('form', { name: 'Re-price' });
  await form.getByLabel('From').fill(localInput(to));
  await form.getByLabel('To').fill(localInput(from));
  await form.getByRole('button', { name: 'Preview' }).click();
  await expect(page.locator('section[aria-label="Re-price recorded calls"]').getByRole('alert')).toContainText('`from` must be before `to`');
});
