// The invoke loop on a project of its own (test/support/shop-project.ts, not the sample), at
// 1600×1000 and 1100×700: struct arguments checked field by field before sending, a push under
// its call, cancel with a late reply, and tabs restored after a reload.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { shopProject } from '../support/shop-project.js';
import { expect, runId, test as base, type ConsolePage } from './console-fixture.js';
import { startConsoleProcess } from './global-setup.js';

const test = base.extend<object, { shopConsole: { url: string; dir: string } }>({
  shopConsole: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const project = shopProject(`tce-e2e-invoke-shop-${process.pid}`);
      const started = await startConsoleProcess(project.dir);
      await use({ url: started.url, dir: project.dir });
      await started.stop();
      project.removeFiles();
    },
    { scope: 'worker' },
  ],
  consoleUrl: async ({ shopConsole }, use) => use(shopConsole.url),
});
test.use({ readyMethod: 'item' });

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
] as const;

const newest = (app: ConsolePage): Locator =>
  app.region('Invoke').getByRole('list', { name: 'Results' }).getByRole('listitem').first();

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;
  test.describe(`the invoke loop on the shop project at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('struct arguments are checked field by field before sending; a push comes under its call; cancel marks the late reply; tabs survive a reload', async ({
      app,
      page,
      shopConsole,
    }) => {
      const invoke = app.region('Invoke');
      const id = runId();
      await invoke.getByRole('button', { name: 'New tab' }).click();
      await app.selectMethod('place');
      await app.setParams('{"item": {"id": "seven", "name": 1, "colour": "red"}, "quantity": 1.5}');
      await app.invoke();
      const problems = invoke.getByRole('alert', { name: 'Parameter problems' });
      await expect(problems.getByRole('listitem')).toHaveCount(5);
      for (const path of ['item.id', 'item.name', 'item.price', 'item.colour', 'quantity'])
        await expect(problems.getByText(path, { exact: true })).toBeVisible();
      await app.screenshot(`invoke-shop-validation-${at}`);
      await app.setParams('{"item": {"id": 7, "name": "pen", "price": 2.5}, "quantity": 2}');
      await app.invoke();
      await expect(newest(app)).toHaveAttribute('aria-label', /shop\.Orders\.place ok/);

      // watch() pushes shop.IShopClient.onPrice to the caller while it runs.
      await app.selectMethod('watch');
      await app.setParams(`{"sku": "sku-${id}"}`);
      await app.invoke();
      const pushes = newest(app).getByRole('list', { name: 'Pushes during this call' });
      await expect(pushes).toContainText('shop.IShopClient.onPrice');
      await expect(pushes).toContainText(`"sku":"sku-${id}"`);
      await expect(
        page
          .getByRole('tree', { name: 'Methods' })
          .getByRole('treeitem', { name: /^shop\.IShopClient, .*implemented by clients$/ }),
      ).toBeVisible();

      // slow() answers after 1.5 s: cancelled at once, the reply marked late.
      await app.selectMethod('slow');
      await app.setParams('{"ms": 1500}');
      await app.invoke();
      await invoke.getByRole('button', { name: 'Cancel', exact: true }).click();
      await expect(newest(app)).toHaveAttribute('aria-label', /shop\.Orders\.slow cancelled/);
      await expect(newest(app)).toHaveAttribute('aria-label', /late reply/, { timeout: 8000 });
      await expect(newest(app).getByLabel('Late reply')).toContainText('"slept 1500"');
      await app.screenshot(`invoke-shop-late-${at}`);

      // The tab in front comes back after a reload with its method and arguments.
      const tabs = invoke.getByRole('tablist', { name: 'Requests' });
      const count = await tabs.getByRole('tab').count();
      const kept = join(shopConsole.dir, '.tce-console', 'tabs.json');
      const front = (): string => {
        if (!existsSync(kept)) return '';
        const tabs = JSON.parse(readFileSync(kept, 'utf8')) as { active: number; tabs: { method?: string }[] };
        return `${tabs.tabs.length} ${tabs.tabs[tabs.active]?.method}`;
      };
      await expect.poll(front).toBe(`${count} slow`);
      await page.reload();
      await expect(tabs.getByRole('tab')).toHaveCount(count);
      await expect(tabs.getByRole('tab', { selected: true })).toHaveText('Orders.slow');
      await expect(invoke.locator('.args-editor')).toContainText('"ms": 1500');
    });
  });
}
