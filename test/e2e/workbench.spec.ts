import { expect, test } from './console-fixture.js';

test.describe('workbench', () => {
  test('has the five panels as named regions, and the sample project with its sandbox', async ({ app }) => {
    for (const name of ['Project', 'IDL editor', 'TypeScript preview', 'Invoke', 'Live feed'] as const) {
      await expect(app.region(name)).toBeVisible();
    }
    const project = app.region('Project');
    // services.xml: interfaces with their ids, endpoints, servers with routes.
    await expect(project.getByRole('button', { name: '2 test.Server' })).toBeVisible();
    await expect(project.getByRole('button', { name: '3 test.ITerminal' })).toBeVisible();
    await expect(project.getByRole('button', { name: /socket_gateway/ }).first()).toBeVisible();
    await expect(project.getByRole('button', { name: /gwserver_ws/ })).toBeVisible();
    await expect(project.getByText('call socket_gateway → mq_server').first()).toBeAttached();
    await expect(project.getByText(/in-memory broker/)).toBeVisible();
    await expect(project.getByRole('button', { name: 'Open project' })).toBeVisible();
    await expect(
      app.page.getByRole('tree', { name: 'Methods' }).getByRole('treeitem', { name: 'test.Server, ifidx 2' }),
    ).toBeVisible();
    await expect(app.page.getByRole('contentinfo', { name: 'Status' })).toContainText('sandbox: running');
    await expect(await app.findInPreview('class ServerProxy')).toContainText(
      'export class ServerProxy extends BaseServerProxy',
    );
    await app.screenshot('workbench-light');
  });

  test('follows a dark OS theme', async ({ app }) => {
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await expect(app.region('Project')).toHaveCSS('background-color', 'rgb(27, 29, 33)');
    await app.screenshot('workbench-dark');
  });

  test('lists every action in the command palette and runs one', async ({ app }) => {
    await app.page.keyboard.press('ControlOrMeta+Shift+P');
    const palette = app.page.getByRole('dialog', { name: 'Command palette' });
    await expect(palette).toBeVisible();
    const options = palette.getByRole('option');
    expect(await options.count()).toBeGreaterThanOrEqual(15);
    await expect(palette.getByRole('option', { name: /Invoke the selected method/ })).toBeVisible();
    await app.screenshot('command-palette');
    await app.page.getByRole('combobox', { name: 'Command' }).fill('open project');
    await app.page.keyboard.press('Enter');
    await expect(app.page.getByRole('dialog', { name: 'Open project' })).toBeVisible();
    await expect(app.page.getByLabel(/Folder or services.xml/)).toHaveValue(process.env['TCE_E2E_PROJECT']!);
    await app.screenshot('open-project-dialog');
    await app.page.keyboard.press('Escape');
    await expect(app.page.getByRole('dialog', { name: 'Open project' })).toBeHidden();
  });

  test('lists services.xml and IDL problems with file:line, and opens the file there', async ({ app }) => {
    await app.region('IDL editor').locator('.monaco-editor').first().click();
    await app.page.keyboard.press('ControlOrMeta+End');
    await app.page.keyboard.insertText('\nmodule broken { struct S { nosuchtype x; }; };\n');
    const problem = app
      .region('Project')
      .getByRole('list', { name: 'Problems' })
      .getByRole('button', { name: /unknown type 'nosuchtype'/ });
    await expect(problem).toContainText('test.idl:26:');
    await problem.click();
    await expect(app.region('IDL editor').locator('.line-numbers.active-line-number')).toHaveText('26');
  });
});
