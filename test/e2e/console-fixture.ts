// What every console e2e test starts from: a fresh page on the console global-setup started,
// with the project loaded, the sandbox running and the feed subscribed.
import { mkdirSync } from 'node:fs';
import { expect, test as base, type Locator, type Page } from '@playwright/test';

export const SCREENSHOTS = 'test-results/screenshots';

export interface ConsolePage {
  page: Page;
  region(name: 'Project' | 'IDL editor' | 'TypeScript preview' | 'Invoke' | 'Live feed'): Locator;
  feedGrid: Locator;
  /** Feed rows (without the header row). */
  feedRows: Locator;
  /** Chooses a method in the Methods tree. */
  selectMethod(name: string): Promise<void>;
  setParams(json: string): Promise<void>;
  addExtra(key: string, value: string): Promise<void>;
  invoke(): Promise<void>;
  filterFeed(query: string): Promise<void>;
  /** Finds text in the TypeScript preview (Monaco only renders the lines on screen) and returns the lines shown. */
  findInPreview(text: string): Promise<Locator>;
  screenshot(name: string): Promise<void>;
}

/** A value no other test uses, to find this test's calls in the shared feed. */
export const runId = (): string => Math.random().toString(36).slice(2, 10);

export const test = base.extend<{ app: ConsolePage; consoleUrl: string; readyMethod: string }>({
  /** The console the page opens: global-setup's (the sample project) unless a spec starts its own. */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  consoleUrl: async ({}, use) => {
    const url = process.env['TCE_E2E_URL'];
    if (!url) throw new Error('TCE_E2E_URL is not set: run through playwright.config.ts (global-setup.ts)');
    await use(url);
  },
  /** A method the Methods tree lists once the project is loaded. */
  readyMethod: ['echo', { option: true }],
  app: async ({ page, consoleUrl, readyMethod }, use) => {
    // A script error in the page fails the test that caused it.
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
    await page.goto(consoleUrl);
    const region = (name: string): Locator => page.getByRole('region', { name, exact: true });
    await expect(region('Project').getByLabel('Sandbox')).toContainText('Sandbox running');
    await expect(
      page.getByRole('tree', { name: 'Methods' }).getByRole('treeitem', { name: new RegExp(`^${readyMethod},`) }),
    ).toBeVisible();
    const feedGrid = page.getByRole('grid', { name: 'Live feed' });
    const invokeRegion = region('Invoke');
    const app: ConsolePage = {
      page,
      region,
      feedGrid,
      feedRows: feedGrid.locator('[role=rowgroup] [role=row]'),
      selectMethod: async (name) => {
        await page
          .getByRole('tree', { name: 'Methods' })
          .getByRole('treeitem', { name: new RegExp(`^${name},`) })
          .first()
          .click();
      },
      setParams: async (json) => {
        const editor = invokeRegion.locator('.args-editor .monaco-editor').first();
        await editor.click();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        // Typed text would get auto-closed brackets; insertText puts it as is.
        await page.keyboard.insertText(json);
      },
      addExtra: async (key, value) => {
        await invokeRegion.getByRole('button', { name: 'Add extra' }).click();
        const n = await invokeRegion.locator('input[aria-label^="Extra key"]').count();
        await invokeRegion.getByLabel(`Extra key ${n}`).fill(key);
        await invokeRegion.getByLabel(`Extra value ${n}`).fill(value);
      },
      invoke: async () => {
        await invokeRegion.getByRole('button', { name: 'Invoke', exact: true }).click();
      },
      filterFeed: async (query) => {
        await page.getByRole('searchbox', { name: 'Filter' }).fill(query);
      },
      findInPreview: async (text) => {
        const editor = region('TypeScript preview').locator('.monaco-editor').first();
        await editor.locator('.view-lines').click();
        await page.keyboard.press('ControlOrMeta+F');
        await page.keyboard.insertText(text);
        await page.keyboard.press('Escape');
        return editor.locator('.view-lines');
      },
      screenshot: async (name) => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
      },
    };
    await use(app);
    expect(errors, 'errors in the page').toEqual([]);
  },
});

export { expect };
