import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the console in Chromium (browser mode). Debian's Chromium, never a
 * downloaded one; `npm run build` and `npm run build:renderer` must have run (global-setup.ts
 * builds nothing: it starts `tce-console --web` on a private copy of idl-samples/cluster).
 * Headed: `xvfb-run -a npx playwright test --headed`.
 */
export default defineConfig({
  testDir: 'test/e2e',
  globalSetup: './test/e2e/global-setup.ts',
  // One console (with its sandbox) serves every test; each test opens its own page.
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results/e2e',
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
