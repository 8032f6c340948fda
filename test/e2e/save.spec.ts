import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './console-fixture.js';

const idlPath = (): string => join(process.env['TCE_E2E_PROJECT']!, 'test.idl');

test.describe('saving', () => {
  let original: string;
  test.beforeEach(() => {
    original = readFileSync(idlPath(), 'utf8');
  });
  test.afterEach(() => {
    writeFileSync(idlPath(), original);
  });

  test('Ctrl+S saves through the host, and a file changed on disk asks before overwriting', async ({ app, page }) => {
    const editor = app.region('IDL editor').locator('.monaco-editor').first();
    await editor.locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('// saved from the console\n');
    await page.keyboard.press('ControlOrMeta+S');
    await expect.poll(() => readFileSync(idlPath(), 'utf8')).toContain('// saved from the console');

    // Someone else changes the file while the user edits it.
    await page.keyboard.insertText('// my unsaved edit\n');
    appendFileSync(idlPath(), '// changed behind the console\n');
    await expect(app.region('IDL editor').getByRole('alert')).toContainText('changed on disk');
    await page.keyboard.press('ControlOrMeta+S');
    const dialog = page.getByRole('dialog', { name: 'test.idl changed on disk' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Overwrite' })).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Reload from disk' })).toBeVisible();
    await app.screenshot('save-conflict');
    // Keep editing: nothing is written, the text stays.
    await dialog.getByRole('button', { name: 'Keep editing' }).click();
    await expect(dialog).toBeHidden();
    expect(readFileSync(idlPath(), 'utf8')).not.toContain('my unsaved edit');
    await expect(editor.locator('.view-lines')).toContainText('my unsaved edit');
    // Overwrite writes the user's text over the disk's.
    await page.keyboard.press('ControlOrMeta+S');
    await dialog.getByRole('button', { name: 'Overwrite' }).click();
    await expect.poll(() => readFileSync(idlPath(), 'utf8')).toContain('my unsaved edit');
    expect(readFileSync(idlPath(), 'utf8')).not.toContain('changed behind the console');

    // Again, but the user takes the disk's text: theirs is one undo away.
    await editor.locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.insertText('// another edit\n');
    appendFileSync(idlPath(), '// changed behind again\n');
    await expect(app.region('IDL editor').getByRole('alert')).toContainText('changed on disk');
    await page.keyboard.press('ControlOrMeta+S');
    await dialog.getByRole('button', { name: 'Reload from disk' }).click();
    await expect(editor.locator('.view-lines')).toContainText('changed behind again');
    await expect(editor.locator('.view-lines')).not.toContainText('another edit');
    await editor.locator('.view-lines').click();
    await page.keyboard.press('ControlOrMeta+Z');
    await expect(editor.locator('.view-lines')).toContainText('another edit');
  });
});
