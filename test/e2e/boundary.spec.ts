// The browser mode's token, as a person meets it in Chromium: it leaves the address bar and the
// history once the page has read it, a reload still connects, and a token the console refuses
// (a wrong one, or one from before the console restarted) says so once and stops retrying.
import { createServer, type AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { expect, test } from './console-fixture.js';
import { startWebConsole } from './global-setup.js';

const REFUSED = 'this console URL is no longer valid: open the URL printed at start';

const consoleUrl = (): string => {
  const url = process.env['TCE_E2E_URL'];
  if (!url) throw new Error('TCE_E2E_URL is not set: run through playwright.config.ts (global-setup.ts)');
  return url;
};

/** Counts the page's WebSocket attempts, and fails the test on a script error in the page. */
function watch(page: Page): { attempts: () => number; errors: string[] } {
  let attempts = 0;
  const errors: string[] = [];
  page.on('websocket', () => attempts++);
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  return { attempts: () => attempts, errors };
}

/** After the refusal shows, no attempt follows for longer than the bridge's longest retry delay (4 s). */
async function expectNoMoreAttempts(page: Page, attempts: () => number): Promise<void> {
  const seen = attempts();
  await page.waitForTimeout(5_000);
  expect(attempts(), 'WebSocket attempts after the refusal').toBe(seen);
}

test.describe('browser mode: the per-launch token', () => {
  test('leaves the address bar and the history once read, and a reload still connects', async ({ page }) => {
    const { errors } = watch(page);
    const url = consoleUrl();
    await page.goto(url);
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status).toContainText('host (web)');
    expect(page.url()).toBe(new URL('/', url).href);
    expect(await page.evaluate('location.search')).toBe('');
    // The history entry itself was replaced: back and forward again come to the URL without the token.
    await page.goBack();
    await page.goForward();
    expect(page.url()).toBe(new URL('/', url).href);
    await expect(status).toContainText('host (web)');
    await page.reload();
    await expect(status).toContainText('host (web)');
    await expect(page.getByRole('tree', { name: 'Methods' }).getByRole('treeitem', { name: /^echo,/ })).toBeVisible();
    expect(page.url()).not.toContain('token');
    expect(errors).toEqual([]);
  });

  test('a wrong token: the page says the URL is no longer valid and stops retrying', async ({ page }) => {
    const { attempts, errors } = watch(page);
    const url = consoleUrl();
    // The cookie of a good visit serves the page; the bridge then uses the token in the URL.
    await page.goto(url);
    await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText('host (web)');
    await page.goto(new URL('/?token=not-the-token', url).href);
    const alert = page.getByRole('alert').filter({ hasText: REFUSED });
    await expect(alert).toBeVisible();
    await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText('host refused this page');
    await expectNoMoreAttempts(page, attempts);
    await expect(alert).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('a console restarted on the same port: the old page says so and stops retrying', async ({ page }) => {
    const { attempts, errors } = watch(page);
    const port = await freePort();
    const first = await startWebConsole(['--port', String(port)]);
    try {
      await page.goto(first.url);
      const status = page.getByRole('contentinfo', { name: 'Status' });
      await expect(status).toContainText('host (web)');
      await first.stop();
      await expect(page.getByRole('alert').filter({ hasText: 'Lost the console host' })).toContainText('Reconnecting');
      const second = await startWebConsole(['--port', String(port)]);
      try {
        expect(second.url).not.toBe(first.url);
        await expect(page.getByRole('alert').filter({ hasText: REFUSED })).toBeVisible({ timeout: 15_000 });
        await expectNoMoreAttempts(page, attempts);
        await expect(status).toContainText('host refused this page');
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
    expect(errors).toEqual([]);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
