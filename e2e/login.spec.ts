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

test('a login link bouncing elsewhere lands on Meter itself, and Log out ends the session', async ({ page, baseURL }) => {
  await page.goto('/login?next=%2F%09%2Fevil.example%2Fphish');
  await page.getByLabel('Token').fill(E2E_ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);

  await page.goto('/settings');
  await expect(page.getByRole('region', { name: 'Sessions' }).getByText('(this browser)')).toBeVisible();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/login\?next=%2Fsettings/);
});

test('the printed login link leaves no token in the address bar', async ({ page }) => {
  await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent('/requests')}`);
  await expect(page.getByRole('heading', { name: 'Requests' })).toBeVisible();
  expect(page.url()).not.toContain(E2E_ADMIN_TOKEN);
});
