import { expect, test, type Page } from '@playwright/test';
import { formatUsdExact } from '../components/format';
import type { BudgetView } from '../lib/budgets/budget-view';
import { E2E_ADMIN_TOKEN } from './token';

test.use({ timezoneId: 'UTC' });

async function login(page: Page) {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent('/budgets')}`);
  await expect(page.getByRole('heading', { name: 'Budgets', level: 1 })).toBeVisible();
}

test('budgets: a budget created on the page shows its spend and progress as the API states them', async ({ page }) => {
  await login(page);
  const form = page.getByRole('form', { name: 'New budget' });
  await form.getByLabel('Name').fill('Growth monthly');
  await form.getByLabel('Amount (USD)').fill('0.05');
  await form.getByLabel('Team (Fireworks-Annotations)').fill('growth');
  await form.getByRole('button', { name: 'Create budget' }).click();
  await expect(form.getByRole('status')).toContainText('Created “Growth monthly”');

  const { budgets } = (await (await page.request.get('/api/v1/budgets')).json()) as { budgets: BudgetView[] };
  const budget = budgets.find((b) => b.name === 'Growth monthly')!;
  expect(budget.scope).toEqual({ team: ['growth'] });
  expect(budget.amountUsd).toBe('0.05');
  expect(budget.thresholds).toEqual([0.5, 0.8, 1]);
  const row = page.locator(`tr[data-budget="${budget.id}"]`);
  await expect(row.getByTestId('budget-spent')).toHaveText(formatUsdExact(budget.spentUsd));
  await expect(row.getByTestId('budget-status')).toHaveText(budget.status);
  await expect(row.getByRole('progressbar')).toBeVisible();
  expect(Number(budget.spentUsd)).toBeGreaterThan(0); // the e2e traffic has growth calls this month

  // already past its amount: the inbox says so at once, before any further call
  await expect(page.getByTestId('alerts')).toContainText('Budget "Growth monthly" is used up');

  // the API refuses a bad amount, and the page says why
  await form.getByLabel('Name').fill('Broken');
  await form.getByLabel('Amount (USD)').fill('-3');
  await form.getByRole('button', { name: 'Create budget' }).click();
  await expect(form.getByRole('alert')).toContainText('amountUsd must not be negative');

  await page.screenshot({ path: 'docs/screenshots/budgets.png', fullPage: true });
  await row.getByRole('button', { name: 'Delete budget Growth monthly' }).click();
  await expect(row).toHaveCount(0);
});
