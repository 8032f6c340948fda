import type { Locator, Page } from '@playwright/test';
import { expect, test } from './console-fixture.js';

/** Puts the cursor at the end of the line holding `text` in the IDL editor. */
async function cursorAfter(page: Page, editor: Locator, text: string): Promise<void> {
  // A view line is as wide as the editor's scroll width: click its text, not its middle.
  await editor.locator('.view-line', { hasText: text }).first().locator('span > span').last().click();
  await page.keyboard.press('End');
}

test.describe('IDL editing', () => {
  test('an added operation appears in the TypeScript preview and the Methods tree without reloading', async ({
    app,
    page,
  }) => {
    const editor = app.region('IDL editor').locator('.monaco-editor').first();

    await cursorAfter(page, editor, 'string echo(string text);');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('string shout(string text, int times);');
    const tree = page.getByRole('tree', { name: 'Methods' });
    // echo 0, timeout 1, heartbeat 2, bidirection 3: shout takes opidx 1 and moves the rest.
    await expect(tree.getByRole('treeitem', { name: 'shout, opidx 1' })).toBeVisible();
    await expect(tree.getByRole('treeitem', { name: 'bidirection, opidx 4' })).toBeVisible();
    await expect(await app.findInPreview('shout(text')).toContainText('shout(text: string, times: number');
    // The new method is ready to call: its parameters come from its schema.
    await app.selectMethod('shout');
    await app.region('Invoke').getByRole('button', { name: 'Generate example' }).click();
    await expect(app.region('Invoke').locator('.args-editor')).toContainText('"times": 1');
    // The host calls with the saved IDL: the form says so instead of sending the wrong bytes.
    await expect(app.region('Invoke').getByRole('button', { name: 'Save and invoke' })).toBeVisible();
    await app.screenshot('idl-added-operation');
  });

  test('a malformed IDL gets a marker on the right line, and the preview keeps its last good output', async ({
    app,
    page,
  }) => {
    const editor = app.region('IDL editor').locator('.monaco-editor').first();
    await cursorAfter(page, editor, 'void heartbeat(string hello);');
    // Line 16: a parameter without a name.
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await page.keyboard.insertText('\tvoid heartbeat(string);');
    const marker = editor.locator('.squiggly-error').first();
    await expect(marker).toBeVisible();
    const lineNumber = editor.locator('.line-numbers', { hasText: /^16$/ });
    const [markerBox, lineBox] = [await marker.boundingBox(), await lineNumber.boundingBox()];
    expect(Math.abs(markerBox!.y - lineBox!.y)).toBeLessThan(10);
    await expect(app.region('Project').getByRole('list', { name: 'Problems' })).toContainText('test.idl:16:');
    await expect(app.region('IDL editor')).toContainText(/1 error/);
    // The preview stays, dimmed, with a note.
    const preview = app.region('TypeScript preview');
    await expect(preview.getByRole('status')).toContainText('Last good output');
    await expect(await app.findInPreview('heartbeat(hello')).toContainText('heartbeat(hello: string');
    await editor.locator('.squiggly-error').first().hover({ force: true });
    await expect(page.locator('.monaco-hover').filter({ hasText: 'expected a parameter name' }).first()).toBeVisible();
    await app.screenshot('idl-malformed');
  });

  test('hover shows the resolved indices and go to definition jumps to the declaration', async ({ app, page }) => {
    const editor = app.region('IDL editor').locator('.monaco-editor').first();
    await editor
      .locator('.view-line', { hasText: 'string echo(string text);' })
      .getByText('echo', { exact: true })
      .hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'opidx' });
    await expect(hover).toContainText('test.Server');
    await expect(hover).toContainText('ifidx 2, opidx 0');
    await app.screenshot('idl-hover');
    // `extends BaseServer` → interface BaseServer (line 5).
    await editor
      .locator('.view-line', { hasText: 'extends BaseServer' })
      .getByText('BaseServer', { exact: true })
      .click();
    await page.keyboard.press('F12');
    await expect(editor.locator('.line-numbers.active-line-number')).toHaveText('5');
  });

  test('completes keywords, builtins and declared types', async ({ app, page }) => {
    const editor = app.region('IDL editor').locator('.monaco-editor').first();
    await cursorAfter(page, editor, 'string echo(string text);');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Base');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget');
    await expect(suggest.getByRole('option', { name: /BaseServer/ }).first()).toBeVisible();
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText('module m {\n  struct S { seq');
    await page.keyboard.press('Control+Space');
    await expect(suggest.getByRole('option', { name: /sequence/ }).first()).toBeVisible();
  });
});
