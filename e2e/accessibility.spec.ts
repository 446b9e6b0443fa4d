import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_TOKEN } from './token';

const PAGES = ['/', '/cache', '/rate-limits', '/requests', '/reports', '/budgets', '/settings'];

for (const path of PAGES) {
  test(`accessibility: ${path} has no serious or critical axe-core violation`, async ({ page }) => {
    await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(path)}`);
    await expect(page.locator('main h1')).toBeVisible();
    await page.waitForLoadState('networkidle');
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length}× e.g. ${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
  });
}

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });
  for (const path of ['/', '/settings']) {
    test(`accessibility: ${path} in dark mode has no serious or critical axe-core violation`, async ({ page }) => {
      await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(path)}`);
      await expect(page.locator('main h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes[0]?.target.join(' ')})`)).toEqual([]);
    });
  }
});

test.describe('a 390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test('phone: the filter bar folds away behind one button', async ({ page }) => {
    await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=/`);
    await expect(page.locator('main h1')).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Range' })).toBeHidden();
    const header = await page.locator('header.top').boundingBox();
    expect(header!.height).toBeLessThan(200);
    await page.getByRole('button', { name: /Last 24 hours/ }).click();
    await expect(page.getByRole('combobox', { name: 'Range' })).toBeVisible();
  });
  for (const path of PAGES) {
    test(`phone: ${path} is no wider than the screen`, async ({ page }) => {
      await page.goto(`/api/login?token=${E2E_ADMIN_TOKEN}&next=${encodeURIComponent(path)}`);
      await expect(page.locator('main h1')).toBeVisible();
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    });
  }
});
