import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const TOKEN = 'e2e-empty-install-token-0123456789';

test('an empty install shows the base URL to paste and copyable snippets', async ({ page }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meter-empty-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `file:${path.join(dir, 'meter.db')}`, METER_ADMIN_TOKEN: TOKEN, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    let out = '';
    const origin = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`meter exited:\n${out}`)));
    });
    await page.goto(`${origin}/api/login?token=${TOKEN}&next=/`);
    const panel = page.getByRole('region', { name: 'Get started: point your application at Meter' });
    await expect(panel.getByTestId('proxy-url')).toHaveText(`${origin}/inference/v1`);
    await expect(panel.locator('pre')).toHaveCount(3);
    await expect(panel).toContainText(`baseURL: '${origin}/inference/v1'`);
    await expect(panel).toContainText('npm run demo');
  } finally {
    child.kill('SIGTERM');
  }
});
