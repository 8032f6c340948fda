// The review's smaller fixes (issue 11) on the shared console, at 1600×1000 and 1100×700: the
// theme menu, Tab leaving the IDL editor (Ctrl+M to indent), the IDL editor's tab width when a
// method is chosen, dialogs making the page behind them inert, the save-conflict diff, the
// folder browser of Open project, and the sandbox card's button inside its card.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type ConsolePage } from './console-fixture.js';
import { expectInside } from './layout-kit.js';

const idlPath = (): string => join(process.env['TCE_E2E_PROJECT']!, 'test.idl');

// Page functions as source text: the tests are type-checked without the DOM's types.
/** The left edge of the first character that is not white space of each line on screen, top to bottom (none before the editor is there). */
const INDENT_EDGES = `(lines) => [...(lines ? lines.querySelectorAll('.view-line') : [])]
  .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
  .map((line) => {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent.search(/\\S/);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      return Math.round(range.getBoundingClientRect().left - line.getBoundingClientRect().left);
    }
    return -1;
  })`;

/** The IDL editor's lines, as INDENT_EDGES reads them (a string expression, evaluated in the page). */
const indentEdges = (page: Page): Promise<number[]> =>
  page.evaluate<number[]>(
    `(${INDENT_EDGES})(document.querySelector('section[aria-label="IDL editor"] .monaco-editor .view-lines'))`,
  );

/** Whether the element with focus is inside `within`. */
const focusInside = (within: Locator): Promise<boolean> =>
  within.evaluate((el: { contains(other: unknown): boolean; ownerDocument: { activeElement: unknown } }) =>
    el.contains(el.ownerDocument.activeElement),
  );

const idlEditor = (app: ConsolePage): Locator => app.region('IDL editor').locator('.monaco-editor').first();

for (const size of [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
]) {
  const at = `${size.width}x${size.height}`;

  test.describe(`review fixes at ${at}`, () => {
    test.use({ viewport: size });

    test('the Theme menu switches light / dark / system, Monaco follows, and the choice survives a reload', async ({
      app,
      page,
    }) => {
      const theme = page.getByRole('combobox', { name: 'Theme' });
      await expect(theme).toHaveValue('system');
      await theme.selectOption('dark');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await expect(idlEditor(app)).toHaveClass(/vs-dark/);
      const background = (): Promise<string> =>
        page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      expect(await background()).toBe('rgb(17, 19, 23)');
      await app.screenshot(`theme-dark-${at}`);
      await page.reload();
      await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
      await expect(idlEditor(app)).not.toHaveClass(/vs-dark/);
      expect(await background()).toBe('rgb(243, 244, 246)');
      await app.screenshot(`theme-light-${at}`);
      // "System" follows the OS.
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
      await page.emulateMedia({ colorScheme: 'light' });
      await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    });

    test('Tab leaves the IDL editor; Ctrl+M makes it indent, and the footer says which', async ({ app, page }) => {
      const region = app.region('IDL editor');
      const hint = region.getByLabel('Tab key');
      await expect(hint).toContainText('Tab moves focus');
      // Near the start of the text: at 1100×700 the middle of the (wide) lines is not on screen.
      await idlEditor(app)
        .locator('.view-lines')
        .click({ position: { x: 40, y: 8 } });
      expect(await focusInside(idlEditor(app))).toBe(true);
      await page.keyboard.press('Tab');
      expect(await focusInside(idlEditor(app))).toBe(false);
      await expect(region.getByLabel('unsaved')).toHaveCount(0);

      // Near the start of the text: at 1100×700 the middle of the (wide) lines is not on screen.
      await idlEditor(app)
        .locator('.view-lines')
        .click({ position: { x: 40, y: 8 } });
      await page.keyboard.press('Control+M');
      await expect(hint).toContainText('Tab indents');
      await page.keyboard.press('Tab');
      expect(await focusInside(idlEditor(app))).toBe(true);
      await expect(region.getByLabel('unsaved')).toHaveCount(1);
      // Undo the tab: the console is shared with the tests that follow.
      await page.keyboard.press('ControlOrMeta+Z');
      await expect(region.getByLabel('unsaved')).toHaveCount(0);
      await page.keyboard.press('Control+M');
      await expect(hint).toContainText('Tab moves focus');
    });

    test("choosing a method leaves the IDL editor's tab width alone", async ({ app }) => {
      // Indented lines start further right than the module line (the text is tokenized and laid out).
      await expect.poll(async () => new Set(await indentEdges(app.page)).size).toBeGreaterThan(2);
      const before = await indentEdges(app.page);
      await app.selectMethod('echo');
      await expect(app.region('Invoke').locator('.args-editor .monaco-editor')).toBeVisible();
      await app.selectMethod('heartbeat');
      expect(await indentEdges(app.page)).toEqual(before);
    });

    test('dialogs and the command palette make the page behind them inert', async ({ app, page }) => {
      await page.keyboard.press('ControlOrMeta+Shift+P');
      const palette = page.getByRole('dialog', { name: 'Command palette' });
      await expect(palette).toBeVisible();
      await expect(page.locator('.workbench-page')).toHaveAttribute('inert', '');
      for (let i = 0; i < 6; i++) {
        await page.keyboard.press('Tab');
        expect(await focusInside(page.locator('.workbench-page'))).toBe(false);
      }
      await palette.getByRole('combobox', { name: 'Command' }).focus();
      await page.keyboard.press('Escape');
      await expect(page.locator('.workbench-page')).not.toHaveAttribute('inert');

      await app.region('Project').getByRole('button', { name: 'Open project' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open project' });
      await expect(dialog).toBeVisible();
      await expect(page.locator('.workbench-page')).toHaveAttribute('inert', '');
      await expect(page.locator('.app-bar')).toHaveAttribute('inert', '');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(page.locator('.workbench-page')).not.toHaveAttribute('inert');
    });

    test('Open project browses the host’s folders (directories only) with autocomplete', async ({ app, page }) => {
      const root = mkdtempSync(join(tmpdir(), 'tce-e2e-browse-'));
      mkdirSync(join(root, 'alpha', 'inner'), { recursive: true });
      mkdirSync(join(root, 'beta'));
      mkdirSync(join(root, '.hidden'));
      writeFileSync(join(root, 'alpha', 'services.xml'), '<X/>');
      writeFileSync(join(root, 'a-file.txt'), 'not a folder');

      await app.region('Project').getByRole('button', { name: 'Open project' }).click();
      const dialog = page.getByRole('dialog', { name: 'Open project' });
      await dialog.getByRole('button', { name: 'Browse…' }).click();
      const path = dialog.getByLabel('Folder or services.xml (path on the host machine)');
      await path.fill(`${root}/`);
      const folders = dialog.getByRole('list', { name: 'Folders' });
      await expect(folders.getByRole('button')).toHaveText(['alpha/', 'beta/']);
      // A partial name filters; the input's suggestions are the same folders.
      await path.fill(`${root}/b`);
      await expect(folders.getByRole('button')).toHaveText(['beta/']);
      await expect(dialog.locator('#project-path-folders option')).toHaveCount(1);
      await path.fill(`${root}/`);
      await folders.getByRole('button', { name: 'alpha/' }).click();
      await expect(path).toHaveValue(join(root, 'alpha'));
      await expect(dialog.getByRole('group', { name: 'Folders on the host' })).toContainText('has services.xml');
      await expect(folders.getByRole('button')).toHaveText(['inner/']);
      await app.screenshot(`open-project-browse-${at}`);
      await dialog.getByRole('button', { name: 'Up', exact: true }).click();
      await expect(path).toHaveValue(root);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
    });

    test('the sandbox card keeps its button inside the card', async ({ app }) => {
      const card = app.region('Project').getByLabel('Sandbox');
      await expectInside(card.getByRole('button', { name: 'Stop sandbox' }), card);
    });
  });
}

test.describe('the save-conflict dialog', () => {
  let original: string;
  test.beforeEach(() => {
    original = readFileSync(idlPath(), 'utf8');
  });
  test.afterEach(() => {
    writeFileSync(idlPath(), original);
  });

  for (const size of [
    { width: 1600, height: 1000 },
    { width: 1100, height: 700 },
  ]) {
    const at = `${size.width}x${size.height}`;
    test(`shows a diff of disk and editor, "Keep mine" saves mine and "Take theirs" loads theirs at ${at}`, async ({
      app,
      page,
    }) => {
      await page.setViewportSize(size);
      const conflict = async (mine: string, theirs: string): Promise<Locator> => {
        // Into the text near the editor's top left (past the line numbers): at 1100×700 the middle of
        // the wide, scrolled lines is not on screen.
        await idlEditor(app).click({ position: { x: 90, y: 20 } });
        await page.keyboard.press('ControlOrMeta+End');
        await page.keyboard.insertText(`${mine}\n`);
        appendFileSync(idlPath(), `${theirs}\n`);
        await expect(app.region('IDL editor').getByRole('alert')).toContainText('changed on disk');
        // The focus is still in the editor (at 1100×700 the banner covers the middle of its lines).
        await page.keyboard.press('ControlOrMeta+S');
        const dialog = page.getByRole('dialog', { name: 'test.idl changed on disk' });
        const diff = dialog.getByRole('region', { name: 'Differences' });
        // The diff editor scrolls to the first change: both sides' new lines are on screen.
        await expect(diff).toContainText(mine);
        await expect(diff).toContainText(theirs);
        return dialog;
      };
      let dialog = await conflict('// mine one', '// theirs one');
      await app.screenshot(`conflict-diff-${at}`);
      await dialog.getByRole('button', { name: 'Keep mine' }).click();
      await expect(dialog).toHaveCount(0);
      await expect.poll(() => readFileSync(idlPath(), 'utf8')).toContain('// mine one');
      expect(readFileSync(idlPath(), 'utf8')).not.toContain('// theirs one');

      dialog = await conflict('// mine two', '// theirs two');
      await dialog.getByRole('button', { name: 'Take theirs' }).click();
      await expect(dialog).toHaveCount(0);
      await expect(idlEditor(app)).not.toContainText('// mine two');
      expect(readFileSync(idlPath(), 'utf8')).toContain('// theirs two');
    });
  }
});
