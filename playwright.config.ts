import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3210);

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1280, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    },
  },
  webServer: {
    // Meter in front of the simulator, filled with traffic, on a throwaway database.
    command: `node --import tsx e2e/server.ts`,
    url: `http://127.0.0.1:${PORT}/healthz`,
    env: { E2E_PORT: String(PORT), NEXT_TELEMETRY_DISABLED: '1', METER_E2E_ENGINE: process.env.METER_E2E_ENGINE ?? 'sqlite' },
    timeout: 180_000,
    reuseExistingServer: false,
    // SIGTERM, not the default SIGKILL: the server then stops the PostgreSQL cluster it started
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    stdout: 'pipe',
  },
});
