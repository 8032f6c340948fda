// Environments edited in the console (issue 11): create, rename, delete, variables and masked
// secrets; environments.json edited on disk picked up live; `{{var}}` expanded in a call and in
// Copy as tce-call, whose command runs as it is in a shell from another folder — at both sizes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from '@playwright/test';
import { expect, runId, test, type ConsolePage } from './console-fixture.js';

const run = promisify(execFile);
const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
] as const;
const environmentsFile = (): string => join(process.env['TCE_E2E_PROJECT']!, '.tce-console', 'environments.json');

async function copiedLine(app: ConsolePage): Promise<string> {
  await app.region('Invoke').getByRole('button', { name: 'Copy as tce-call' }).click();
  return app.page.evaluate<string>('navigator.clipboard.readText()');
}

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;
  test.describe(`environments at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('an environment made in the editor expands its variables in a call and in Copy as tce-call; secrets stay references that the shell fills in', async ({
      app,
      page,
    }) => {
      const id = runId();
      const env = `e2e-${id}`;
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      const invoke = app.region('Invoke');
      await invoke.getByRole('button', { name: 'Edit environments' }).click();
      const dialog: Locator = page.getByRole('dialog', { name: 'Environments' });
      await dialog.getByRole('button', { name: 'New environment' }).click();
      await dialog.getByLabel('Environment name').fill(env);
      await dialog.getByRole('button', { name: 'Add variable' }).click();
      await dialog.getByLabel('Variable name 1').fill('who');
      await dialog.getByLabel('Variable value 1').fill(`scott.${id}`);
      await dialog.getByRole('button', { name: 'Save environment' }).click();
      await expect(dialog.getByRole('option', { name: new RegExp(`^${env}`) })).toBeVisible();
      // A secret: set, shown masked, never in the page again.
      await dialog.getByLabel('Secret name').fill(`tok_${id}`);
      await dialog.getByLabel('Secret value').fill(`s3cret-${id}`);
      await dialog.getByRole('button', { name: 'Set secret' }).click();
      await expect(dialog.getByLabel(`Secret tok_${id} value`)).toHaveText('••••••••');
      await expect(dialog).not.toContainText(`s3cret-${id}`);
      // A bad name is an error in the dialog itself.
      await dialog.getByLabel('Secret name').fill('no spaces');
      await dialog.getByRole('button', { name: 'Set secret' }).click();
      await expect(dialog.getByRole('alert')).toContainText('letters, digits');
      await app.screenshot(`invoke-environments-editor-${at}`);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(page.getByRole('combobox', { name: 'Environment' })).toHaveValue(env);

      // The call sends the expanded values.
      await app.selectMethod('echo');
      await app.setParams('{"text": "hello {{who}}"}');
      await app.addExtra('who', '{{who}}');
      await app.addExtra('auth', `Bearer {{tok_${id}}}`);
      await app.invoke();
      const card = invoke.getByRole('list', { name: 'Results' }).getByRole('listitem').first();
      await expect(card).toHaveAttribute('aria-label', /echo ok/);
      await expect(card).toContainText(`"Yah! hello scott.${id}"`);
      await app.filterFeed(`extra.who=scott.${id} hop:server`);
      await expect(app.feedRows).toHaveCount(1);

      // The copied command: this package's own tce-call, the variable expanded, the secret a reference.
      const line = await copiedLine(app);
      expect(line).not.toMatch(/^npx /);
      expect(line).toContain(`who=scott.${id}`);
      expect(line).toContain(`"$TCE_SECRET_TOK_${id.toUpperCase()}"`);
      expect(line).not.toContain(`s3cret-${id}`);
      const elsewhere = mkdtempSync(join(tmpdir(), 'tce-call-elsewhere-'));
      const { stdout } = await run('/bin/sh', ['-c', line], {
        cwd: elsewhere,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', [`TCE_SECRET_TOK_${id.toUpperCase()}`]: `s3cret-${id}` },
        timeout: 30_000,
      });
      expect(stdout).toContain(`Yah! hello scott.${id}`);
      // The shell filled the secret in: the back end saw it from tce-call as from the console.
      await app.filterFeed(`extra.auth="Bearer s3cret-${id}" hop:server`);
      await expect(app.feedRows).toHaveCount(2);

      // environments.json edited on disk: the console picks it up.
      const stored = JSON.parse(readFileSync(environmentsFile(), 'utf8')) as {
        environments: { name: string; variables: Record<string, string> }[];
      };
      stored.environments.find((e) => e.name === env)!.variables['who'] = `edited.${id}`;
      writeFileSync(environmentsFile(), JSON.stringify(stored, null, 2));
      await expect.poll(() => copiedLine(app), { timeout: 10_000 }).toContain(`who=edited.${id}`);

      // Rename, then delete.
      await invoke.getByRole('button', { name: 'Edit environments' }).click();
      await dialog.getByRole('option', { name: new RegExp(`^${env}`) }).click();
      await dialog.getByLabel('Environment name').fill(`${env}-renamed`);
      await dialog.getByRole('button', { name: 'Save environment' }).click();
      await expect(page.getByRole('combobox', { name: 'Environment' })).toHaveValue(`${env}-renamed`);
      await dialog.getByRole('button', { name: 'Delete environment' }).click();
      await expect(dialog.getByRole('option', { name: new RegExp(`^${env}`) })).toHaveCount(0);
      await dialog.getByRole('button', { name: `Remove secret tok_${id}` }).click();
      await expect(dialog.getByLabel(`Secret tok_${id} value`)).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(page.getByRole('combobox', { name: 'Environment' })).toHaveValue('');
    });
  });
}
