// A console of its own on the shop project (test/support/shop-project.ts, not the sample), with
// the sandbox, one per worker: for the specs that need a project of their own making.
import { test as base } from './console-fixture.js';
import { startConsoleProcess } from './global-setup.js';
import { shopProject } from '../support/shop-project.js';

export function shopConsoleTest(prefix: string) {
  const test = base.extend<object, { shopConsole: string }>({
    shopConsole: [
      // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
      async ({}, use) => {
        const project = shopProject(`${prefix}-${process.pid}`);
        const started = await startConsoleProcess(project.dir);
        await use(started.url);
        await started.stop();
        project.removeFiles();
      },
      { scope: 'worker' },
    ],
    consoleUrl: async ({ shopConsole }, use) => use(shopConsole),
  });
  test.use({ readyMethod: 'item' });
  return test;
}
