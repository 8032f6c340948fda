// The Attach dialog on a project of its own (test/support/shop-project.ts): a recording proxy in
// front of the sandbox's gateway, its address copied, a client through it recorded at hop proxy
// with the status bar counting; a broker tap refused on a vhost without tracing, saying why.
import { expect } from './console-fixture.js';
import { shopConsoleTest } from './shop-console.js';
import { shopClient } from '../support/shop-client.js';

const test = shopConsoleTest('tce-e2e-attach');

test.describe('Attach', () => {
  test('a proxy started from the dialog records a client that connects to its copied address; the status bar counts and stops it', async ({
    app,
    context,
  }) => {
    const { page } = app;
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.keyboard.press('ControlOrMeta+Shift+P');
    await page.getByRole('combobox', { name: 'Command' }).fill('attach to a running');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Attach' });
    await expect(dialog).toBeVisible();

    // The project's stream endpoints are offered; listening stays on loopback.
    await expect(dialog.getByLabel('Upstream', { exact: true })).toHaveValue('shop_tcp');
    await expect(dialog.getByLabel('Listen address')).toHaveValue('127.0.0.1');
    await expect(dialog.getByRole('note')).toHaveCount(0);
    await dialog.getByLabel('port').fill('0');
    await dialog.getByRole('button', { name: 'Start proxy' }).click();

    const active = dialog.getByRole('region', { name: 'Active attachments' });
    await expect(active.getByRole('listitem')).toHaveCount(1);
    await active.getByRole('button', { name: 'Copy address' }).click();
    const address = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(address).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    await expect(active).toContainText(address);

    // Another address than loopback is the user's explicit choice, and the dialog says what it means.
    await dialog.getByLabel('Listen address').fill('0.0.0.0');
    await expect(dialog.getByRole('note')).toContainText('not a loopback address');
    await dialog.getByLabel('Listen address').fill('127.0.0.1');
    await app.screenshot('attach-dialog');

    const client = shopClient(address);
    try {
      expect(await client.call('shop.Catalog.item', [5])).toMatchObject({ value: { id: 5, name: 'item 5' } });
    } finally {
      await client.close();
    }
    const status = page.getByRole('contentinfo', { name: 'Status' });
    await expect(status.getByLabel(/^proxy p\d+$/)).toContainText('2 frames');
    await page.keyboard.press('Escape');
    await app.filterFeed('hop:proxy method:item');
    await expect(app.feedRows).toHaveCount(2);
    await app.screenshot('attach-status-bar');

    await status.getByRole('button', { name: /^Stop proxy p\d+$/ }).click();
    await expect(status.getByLabel(/^proxy p\d+$/)).toHaveCount(0);
  });

  test('a broker tap on a vhost without tracing is refused with the command that turns tracing on', async ({ app }) => {
    const { page } = app;
    await page.keyboard.press('ControlOrMeta+Shift+P');
    await page.getByRole('combobox', { name: 'Command' }).fill('attach to a running');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Attach' });
    // The default vhost: only read here, its tracing is never touched.
    await dialog.getByLabel('RabbitMQ URL').fill('amqp://guest:guest@127.0.0.1:5672/%2F');
    await expect(dialog.getByLabel('vhost', { exact: true })).toHaveText('/');
    await dialog.getByRole('button', { name: 'Start tap' }).click();
    await expect(dialog.getByRole('alert')).toContainText('rabbitmqctl trace_on -p /', { timeout: 20_000 });
    await app.screenshot('attach-tap-tracing-off');
  });
});
