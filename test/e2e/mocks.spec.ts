// A project of its own (test/support/shop-project.ts, not the sample) in its own console with
// the sandbox: its mock back end answers invokes, an override set in the Mocks view answers
// instead, and a push sent from the Invoke panel reaches the console's own connection.
import { expect } from './console-fixture.js';
import { shopConsoleTest } from './shop-console.js';

const test = shopConsoleTest('tce-e2e-mocks');

test.describe('mocks of a project of its own', () => {
  test('invoke answers with the script or the example, and the feed marks the mock', async ({ app }) => {
    const results = app.region('Invoke');
    await app.selectMethod('item');
    await app.setParams('{"id": 7}');
    await app.invoke();
    const item = results.getByRole('listitem', { name: /shop\.Catalog\.item ok/ }).first();
    await expect(item.getByRole('tree', { name: 'Result value' })).toContainText('"item 7"');
    await app.selectMethod('stock');
    await results.getByRole('button', { name: 'Generate example' }).click();
    await app.invoke();
    await expect(
      results
        .getByRole('listitem', { name: /shop\.Catalog\.stock ok/ })
        .first()
        .getByRole('tree', { name: 'Result value' }),
    ).toContainText(/key:\s*1/);
    await app.filterFeed('hop:server method:item');
    await expect(app.feedRows.filter({ hasText: 'MOCK script' }).first()).toBeVisible();
    await app.filterFeed('hop:server method:stock');
    await expect(app.feedRows.filter({ hasText: 'MOCK example' }).first()).toBeVisible();
    await app.screenshot('mocks-invoke');
  });

  test('an override set in the Mocks view answers its error code, and can be removed', async ({ app, page }) => {
    const mocks = app.region('Project').getByRole('list', { name: 'Mock operations' });
    await expect(mocks.getByRole('button', { name: /^shop\.Base\.version: script/ })).toBeVisible();
    await mocks.getByRole('button', { name: /^shop\.Catalog\.count: example/ }).click();
    const editor = page.getByRole('group', { name: 'Override of shop.Catalog.count' });
    await editor.getByRole('radio', { name: 'Error' }).check();
    await editor.getByLabel('Error code').fill('7');
    await editor.getByLabel('Reason').fill('closed for inventory');
    await editor.getByRole('button', { name: 'Save override' }).click();
    await expect(mocks.getByRole('button', { name: /^shop\.Catalog\.count: override, \d+ calls?/ })).toBeVisible();
    await app.screenshot('mocks-override');
    await app.selectMethod('count');
    await app.invoke();
    const failed = app
      .region('Invoke')
      .getByRole('listitem', { name: /shop\.Catalog\.count error/ })
      .first();
    await expect(failed.getByRole('alert')).toContainText('(7)');
    await expect(mocks.getByRole('button', { name: /^shop\.Catalog\.count: override, [1-9]\d* calls?/ })).toBeVisible();
    // Back to the example.
    await mocks.getByRole('button', { name: /^shop\.Catalog\.count: override/ }).click();
    await page
      .getByRole('group', { name: 'Override of shop.Catalog.count' })
      .getByRole('button', { name: 'Remove override' })
      .click();
    await expect(mocks.getByRole('button', { name: /^shop\.Catalog\.count: example/ })).toBeVisible();
    await app.invoke();
    await expect(
      app
        .region('Invoke')
        .getByRole('listitem', { name: /shop\.Catalog\.count ok/ })
        .first(),
    ).toBeVisible();
  });

  test("a push sent from the Invoke panel reaches the console's own connection and shows in the feed", async ({
    app,
    page,
  }) => {
    // A call first: the gateway learns who the console's connection is.
    await app.selectMethod('version');
    await app.invoke();
    // The tree lists version under shop.Base (which declares it) first; the script names it by shop.Catalog.
    await expect(
      app
        .region('Invoke')
        .getByRole('listitem', { name: /shop\.Base\.version ok/ })
        .first(),
    ).toContainText('shop 2.0');
    const tree = page.getByRole('tree', { name: 'Methods' });
    await expect(
      tree.getByRole('treeitem', { name: /^shop\.IShopClient, ifidx 3, implemented by clients/ }),
    ).toBeVisible();
    await app.selectMethod('onNotice');
    const invoke = app.region('Invoke');
    await expect(invoke.getByRole('button', { name: 'Invoke', exact: true })).toHaveCount(0);
    await app.setParams('{"text": "hello from the console"}');
    await expect(invoke.getByRole('combobox', { name: 'Recipient' }).locator('option:checked')).toContainText(
      'this console',
    );
    await invoke.getByRole('button', { name: 'Push', exact: true }).click();
    await expect(invoke.getByRole('status')).toContainText(
      /pushed shop\.IShopClient\.onNotice to user \d+ at shopgw via shop_replies/,
    );
    await app.filterFeed('method:onNotice hop:console');
    const push = app.feedRows.filter({ hasText: 'PUSH' }).first();
    await expect(push).toContainText('shop.IShopClient.onNotice');
    await push.click();
    await expect(
      page.getByRole('complementary', { name: 'Entry details' }).getByRole('region', { name: 'Decoded payload' }),
    ).toContainText('hello from the console');
    await app.screenshot('mocks-push');
  });
});
