import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './token';

test('a page without the admin token sends the user to log in, and the token lets them in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Token').fill('wrong-token-value');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByText('That token is not right.')).toBeVisible();
  await page.getByLabel('Token').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
});
