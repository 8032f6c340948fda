// The Run view: a folder of saved calls with expectations run in the console (one deliberate
// failure shown with its expected vs actual diff, then re-run once fixed), and a load run whose
// latency histogram and throughput chart are drawn.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SavedCall } from '../../shared/console-api/types.js';
import { PROJECT_ENV } from './global-setup.js';
import { expect, runId, test } from './console-fixture.js';

function save(call: SavedCall): void {
  const project = process.env[PROJECT_ENV];
  if (!project) throw new Error(`${PROJECT_ENV} is not set: run through playwright.config.ts (global-setup.ts)`);
  const file = join(project, '.tce-console', 'saved-calls', `${call.name}.json`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(call, null, 2));
}

const echo = (name: string, text: string, expected: string): SavedCall => ({
  name,
  interface: 'test.Server',
  method: 'echo',
  args: [text],
  mode: 'twoway',
  target: { kind: 'endpoint', endpoint: 'socket_gateway' },
  expectations: [{ kind: 'equals', value: expected }],
});

/** What of a canvas element the check below uses (the test's own types have no DOM). */
interface Canvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

/** Something drawn on a canvas: some pixel that is not transparent. */
const drawn = (page: Page, name: string): Promise<boolean> =>
  page.getByRole('img', { name }).evaluate((element) => {
    const canvas = element as unknown as Canvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });

test.describe('the Run view', () => {
  test('runs a folder, shows the one failure with its diff, and re-runs the failed call', async ({ app }) => {
    const folder = `e2e-${runId()}`;
    save({ ...echo(`${folder}/a hello`, 'hello', 'Yah! hello'), captures: [{ variable: 'greeting', path: '$' }] });
    save(echo(`${folder}/b wrong`, '{{greeting}}', 'Yah! bye'));
    save({
      name: `${folder}/c push`,
      interface: 'test.Server',
      method: 'bidirection',
      args: [],
      mode: 'twoway',
      target: { kind: 'endpoint', endpoint: 'socket_gateway' },
      expectations: [{ kind: 'push', method: 'test.ITerminal.onMessage', withinMs: 5000 }],
    });
    const { page } = app;
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const runs = page.getByRole('dialog', { name: 'Runs' });
    await runs.getByLabel('Folder').selectOption(folder);
    await runs.getByRole('button', { name: 'Run', exact: true }).click();
    const totals = runs.getByRole('status', { name: 'Run totals' });
    await expect(totals).toContainText('2 passed, 1 failed');
    await expect(runs.getByRole('listitem', { name: `${folder}/a hello: passed` })).toBeVisible();
    await expect(runs.getByRole('listitem', { name: `${folder}/c push: passed` })).toBeVisible();
    const failed = runs.getByRole('listitem', { name: `${folder}/b wrong: failed` });
    await expect(failed).toContainText('$: expected "Yah! bye", got "Yah! Yah! hello"');
    const diff = failed.getByRole('table', { name: `Expected vs actual for ${folder}/b wrong` });
    await expect(diff.locator('.diff-expected')).toHaveText('-"Yah! bye"');
    await expect(diff.locator('.diff-actual')).toHaveText('+"Yah! Yah! hello"');
    await app.screenshot('runs-failure-diff');

    // Fixed on disk: "Re-run failed" runs only that call, read afresh, with what the run captured.
    save(echo(`${folder}/b wrong`, '{{greeting}}', 'Yah! Yah! hello'));
    await runs.getByRole('button', { name: 'Re-run failed' }).click();
    await expect(totals).toContainText('1 passed, 0 failed');
    await expect(runs.getByRole('listitem', { name: `${folder}/b wrong: passed` })).toBeVisible();
    await expect(runs.getByRole('listitem')).toHaveCount(1);

    // Every hop of that call, found by the run's tag: the feed is filtered to it.
    await runs.getByRole('button', { name: `Show ${folder}/b wrong in the feed` }).click();
    await expect(runs).toBeHidden();
    await expect(app.page.getByRole('searchbox', { name: 'Filter' })).toHaveValue(
      new RegExp(`^run:run-\\d+ saved:"${folder}/b wrong"$`),
    );
    // At least the console's CALL and RETURN; the sandbox's hops too where it carried the call.
    await expect.poll(() => app.feedRows.count()).toBeGreaterThanOrEqual(2);
    for (const hop of await app.feedRows.allInnerTexts()) expect(hop).toContain('echo');
    await app.screenshot('runs-show-in-feed');
  });

  test('a load run draws its latency histogram and its throughput over time', async ({ app }) => {
    const name = `e2e-${runId()}/load echo`;
    save(echo(name, 'load', 'Yah! load'));
    const { page } = app;
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const runs = page.getByRole('dialog', { name: 'Runs' });
    await runs.getByRole('tab', { name: 'Load' }).click();
    await runs.getByLabel('Saved call').selectOption(name);
    await runs.getByLabel('Concurrency').fill('4');
    await runs.getByLabel('Duration (s)').fill('3');
    await runs.getByLabel('Rate (calls/s)').fill('100');
    await runs.getByRole('button', { name: 'Start load run' }).click();
    const summary = runs.getByRole('status', { name: 'Load summary' });
    await expect(summary).toContainText('Done', { timeout: 20_000 });
    await expect(summary).toContainText(', 0 failed');
    await expect(summary).toContainText('coordinated omission corrected');
    await expect(runs.getByRole('table', { name: 'Latency percentiles' })).toContainText('ms');
    await expect.poll(() => drawn(page, 'Latency histogram')).toBe(true);
    await expect.poll(() => drawn(page, 'Throughput over time')).toBe(true);
    await app.screenshot('runs-load-charts');
  });
});
