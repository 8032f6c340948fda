// Opening projects in a console of its own (a copy of the sample, and the shop project of
// test/support): a failed open leaves everything as it was; switching projects drops the old
// project's results and target; the services.xml editor's footer agrees with the Problems list;
// the stopped sandbox card keeps its controls inside it — at 1600×1000 and 1100×700.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { copyCluster } from '../../support/cluster-copy.js';
import { shopProject } from '../support/shop-project.js';
import { expect, test as base, type ConsolePage } from './console-fixture.js';
import { expectInside } from './layout-kit.js';
import { startConsoleProcess } from './global-setup.js';

const test = base.extend<object, { own: { url: string; cluster: string; shop: string } }>({
  own: [
    // eslint-disable-next-line no-empty-pattern -- a Playwright fixture names what it uses by destructuring
    async ({}, use) => {
      const cluster = copyCluster(`tce-e2e-switch-${process.pid}`);
      writeFileSync(
        join(cluster.dir, 'test.idl'),
        readFileSync(new URL('../../idl-samples/cluster/test.idl', import.meta.url), 'utf8'),
      );
      const shop = shopProject(`tce-e2e-switch-shop-${process.pid}`);
      // One services.xml problem, for the footer to agree with.
      const services = join(shop.dir, 'services.xml');
      writeFileSync(
        services,
        readFileSync(services, 'utf8').replace(
          '<EndPoints>',
          '<EndPoints>\n\t\t<ep name="broken" type="socket" host="127.0.0.1" port="abc"/>',
        ),
      );
      const started = await startConsoleProcess(cluster.dir);
      await use({ url: started.url, cluster: cluster.dir, shop: shop.dir });
      await started.stop();
      cluster.removeFiles();
      shop.removeFiles();
    },
    { scope: 'worker' },
  ],
  consoleUrl: async ({ own }, use) => use(own.url),
});
test.describe.configure({ mode: 'serial' });

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
];

async function openProject(app: ConsolePage, path: string): Promise<Locator> {
  await app.region('Project').getByRole('button', { name: 'Open project' }).click();
  const dialog = app.page.getByRole('dialog', { name: 'Open project' });
  await dialog.getByLabel('Folder or services.xml (path on the host machine)').fill(path);
  await dialog.getByRole('button', { name: 'Open', exact: true }).click();
  return dialog;
}

test('a failed open leaves the project, its sandbox and its connections as they were', async ({ app, own }) => {
  const project = app.region('Project');
  const name = await project.locator('.project-name strong').innerText();
  await app.selectMethod('echo');
  await app.setParams('["before"]');
  await app.invoke();
  await expect(app.region('Invoke').getByRole('listitem', { name: /test\.Server\.echo ok/ })).toHaveCount(1);
  const dialog = await openProject(app, join(own.cluster, 'no-such-folder'));
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(project.locator('.project-name strong')).toHaveText(name);
  await expect(project.getByLabel('Sandbox')).toContainText('Sandbox running');
  await expect(app.region('Invoke').locator('#target-select')).toHaveValue('socket_gateway');
  // The old connection still answers.
  await app.invoke();
  await expect(app.region('Invoke').getByRole('listitem', { name: /test\.Server\.echo ok/ })).toHaveCount(2);
});

test("switching projects drops the old project's results and target; the services.xml footer agrees with Problems", async ({
  app,
  own,
}) => {
  await app.selectMethod('echo');
  await app.invoke();
  const invoke = app.region('Invoke');
  await expect(invoke.getByRole('listitem', { name: /test\.Server\.echo ok/ })).toHaveCount(1);
  const dialog = await openProject(app, own.shop);
  await expect(dialog).toHaveCount(0);
  await expect(app.region('Project').locator('.project-name strong')).not.toHaveText('test');
  await expect(invoke.getByRole('list', { name: 'Results' }).getByRole('listitem')).toHaveCount(0);
  const target = invoke.locator('#target-select');
  await expect(target).toHaveValue('');
  await expect(target.locator('option:checked')).toHaveText('Choose a target…');
  await expect(target.locator('option', { hasText: 'Ad-hoc URL…' })).toHaveCount(1);
  await expect(target.locator('option', { hasText: 'socket_gateway' })).toHaveCount(0);

  for (const size of SIZES) {
    await app.page.setViewportSize(size);
    const problems = app.region('Project').getByRole('list', { name: 'Problems' });
    const servicesErrors = problems
      .getByRole('button')
      .filter({ hasText: 'services.xml' })
      .filter({
        has: app.page.getByLabel('error', { exact: true }),
      });
    await expect(servicesErrors.first()).toBeVisible();
    const count = await servicesErrors.count();
    await app.region('Project').getByRole('button', { name: 'services.xml', exact: true }).click();
    await expect(app.region('IDL editor').locator('.panel-footer')).toContainText(
      `${count} error${count > 1 ? 's' : ''} in services.xml`,
    );
    await app.screenshot(`project-switched-${size.width}x${size.height}`);
  }

  // Back to the sample, with its sandbox, for the next test.
  await openProject(app, own.cluster);
  const card = app.region('Project').getByLabel('Sandbox', { exact: true });
  await expect(card.getByRole('button', { name: /^(Start|Stop) sandbox$/ })).toBeVisible();
  if (await card.getByRole('button', { name: 'Start sandbox' }).isVisible())
    await card.getByRole('button', { name: 'Start sandbox' }).click();
  await expect(card).toContainText('Sandbox running');
});

test('the stopped sandbox card keeps its mode and Start button inside it', async ({ app }) => {
  const card = app.region('Project').getByLabel('Sandbox', { exact: true });
  if (await card.getByRole('button', { name: 'Stop sandbox' }).isVisible())
    await card.getByRole('button', { name: 'Stop sandbox' }).click();
  await expect(card.getByRole('button', { name: 'Start sandbox' })).toBeVisible();
  for (const size of SIZES) {
    await app.page.setViewportSize(size);
    await expectInside(card.getByRole('button', { name: 'Start sandbox' }), card);
    await expectInside(card.getByRole('combobox', { name: 'Sandbox mode' }), card);
    await app.screenshot(`sandbox-stopped-${size.width}x${size.height}`);
  }
  await card.getByRole('button', { name: 'Start sandbox' }).click();
  await expect(card).toContainText('Sandbox running');
});
