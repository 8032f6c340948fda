// The invoke loop (issue 11): the action bar and the newest result always in sight, request
// tabs restored after a reload, cancel with a late reply, validation before sending, pushes under
// their call, result cards — each at 1600×1000 and at 1100×700.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, runId, test, type ConsolePage } from './console-fixture.js';

const SIZES = [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
] as const;

/** What the page-side checks use of an element (the e2e tests compile without the DOM's types). */
interface Probe {
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  contains(other: Probe): boolean;
  outerHTML: string;
  scrollTop: number;
  ownerDocument: { elementFromPoint(x: number, y: number): Probe | null };
}

/** Inside the viewport and not covered by another element (what is hit at its centre is it, or inside it). */
async function expectInSight(page: Page, element: Locator, what: string): Promise<void> {
  const box = await element.boundingBox();
  expect(box, `${what} has a box`).toBeTruthy();
  const { width, height } = page.viewportSize()!;
  expect(
    box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= width && box!.y + box!.height <= height,
    `${what} ${JSON.stringify(box)} lies inside the ${width}×${height} viewport`,
  ).toBe(true);
  const cover = await element.evaluate((node: unknown) => {
    const el = node as Probe;
    const r = el.getBoundingClientRect();
    const hit = el.ownerDocument.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return hit === el || (hit && el.contains(hit)) ? null : (hit?.outerHTML.slice(0, 160) ?? 'nothing');
  });
  expect(cover, `${what} is not covered`).toBeNull();
}

/** `inner` lies within `outer` (nothing overflows its card). */
async function expectWithin(inner: Locator, outer: Locator, what: string): Promise<void> {
  const [a, b] = [await inner.boundingBox(), await outer.boundingBox()];
  expect(a && b, `${what}: both have boxes`).toBeTruthy();
  expect(
    a!.x >= b!.x - 0.5 &&
      a!.y >= b!.y - 0.5 &&
      a!.x + a!.width <= b!.x + b!.width + 0.5 &&
      a!.y + a!.height <= b!.y + b!.height + 0.5,
    `${what}: ${JSON.stringify(a)} within ${JSON.stringify(b)}`,
  ).toBe(true);
}

/** The project's kept request tabs, as the host wrote them. */
const keptTabs = (): string => {
  try {
    return readFileSync(join(process.env['TCE_E2E_PROJECT']!, '.tce-console', 'tabs.json'), 'utf8');
  } catch {
    return '';
  }
};

const calls = (app: ConsolePage): Locator =>
  app.region('Invoke').getByRole('list', { name: 'Results' }).getByRole('listitem');
const newest = (app: ConsolePage): Locator => calls(app).first();

for (const size of SIZES) {
  const at = `${size.width}x${size.height}`;
  test.describe(`the invoke loop at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });

    test('Invoke, mode, timeout and the newest result are in sight without scrolling, and nothing overflows its card', async ({
      app,
      page,
    }) => {
      const invoke = app.region('Invoke');
      await app.selectMethod('echo');
      for (let i = 0; i < 4; i++) {
        await app.setParams(`{"text": "call ${i}"}`);
        await app.invoke();
        await expect(newest(app)).toContainText(`"Yah! call ${i}"`);
      }
      await expectInSight(page, invoke.getByRole('button', { name: 'Invoke', exact: true }), 'the Invoke button');
      await expectInSight(page, invoke.getByRole('radio', { name: 'two-way' }), 'the mode');
      await expectInSight(page, invoke.getByLabel('Timeout (ms)'), 'the timeout');
      await expectInSight(page, newest(app).locator('.status-pill'), "the newest result's status");
      await expectInSight(page, newest(app).getByText('"Yah! call 3"'), "the newest result's value");
      await expectInSight(page, invoke.locator('.args-editor'), 'the parameters editor');
      expect((await invoke.locator('.args-editor').boundingBox())!.height).toBeGreaterThanOrEqual(60);
      // The panel itself never scrolls: its parts do.
      expect(await invoke.locator('.invoke-body').evaluate((node: unknown) => (node as Probe).scrollTop)).toBe(0);
      const sandbox = app.region('Project').getByLabel('Sandbox');
      await expectWithin(sandbox.getByRole('button', { name: 'Stop sandbox' }), sandbox, 'the sandbox button');
      for (const button of await invoke.locator('.invoke-actions button').all())
        await expectWithin(button, invoke.locator('.invoke-actions'), 'an action bar button');
      await app.screenshot(`invoke-loop-layout-${at}`);
    });

    test('request tabs keep target, method, parameters, mode, timeout and extras across a reload', async ({
      app,
      page,
    }) => {
      const run = runId();
      const invoke = app.region('Invoke');
      const tabs = invoke.getByRole('tablist', { name: 'Requests' });
      await app.selectMethod('echo');
      await app.setParams(`{"text": "first tab ${run}"}`);
      await app.addExtra('run', run);
      await page.getByRole('radio', { name: 'async' }).check();
      await invoke.getByRole('button', { name: 'New tab' }).click();
      await expect(tabs.getByRole('tab')).toHaveCount(2);
      await expect(tabs.getByRole('tab').nth(1)).toHaveAttribute('aria-selected', 'true');
      await app.selectMethod('datetime');
      await invoke.getByLabel('Timeout (ms)').fill('1234');
      await expect(tabs.getByRole('tab').nth(1)).toHaveText('BaseServer.datetime');
      // Drafts are kept as they are typed (debounced) in the project's .tce-console/tabs.json.
      await expect.poll(() => keptTabs()).toContain('"timeoutMs": 1234');
      await page.reload();
      await expect(tabs.getByRole('tab')).toHaveCount(2);
      await expect(tabs.getByRole('tab').nth(0)).toHaveText('Server.echo');
      await expect(tabs.getByRole('tab').nth(1)).toHaveAttribute('aria-selected', 'true');
      await expect(invoke.getByLabel('Timeout (ms)')).toHaveValue('1234');
      await tabs.getByRole('tab', { name: 'Server.echo' }).click();
      await expect(invoke.locator('.args-editor')).toContainText(`first tab ${run}`);
      await expect(invoke.getByLabel('Extra value 1')).toHaveValue(run);
      await expect(page.getByRole('radio', { name: 'async' })).toBeChecked();
      await expect(invoke.getByLabel('Timeout (ms)')).toHaveValue('30000');
      await app.screenshot(`invoke-loop-tabs-${at}`);
      // Close tab: the other one comes to the front.
      await invoke.locator('.request-tab').nth(0).getByRole('button', { name: 'Close tab' }).click();
      await expect(tabs.getByRole('tab')).toHaveCount(1);
      await expect(tabs.getByRole('tab')).toHaveText('BaseServer.datetime');
    });

    test('Cancel: the call shows "cancelled"; the reply that still comes is marked late in the result and in the feed', async ({
      app,
      page,
    }) => {
      const invoke = app.region('Invoke');
      await app.selectMethod('timeout');
      await app.setParams('{"secs": 2}');
      await invoke.getByLabel('Timeout (ms)').fill('15000');
      await app.invoke();
      await expect(newest(app)).toHaveAttribute('aria-label', /test\.Server\.timeout pending/);
      await invoke.getByRole('button', { name: 'Cancel', exact: true }).click();
      await expect(newest(app)).toHaveAttribute('aria-label', /test\.Server\.timeout cancelled/);
      await expect(newest(app).locator('.status-pill').first()).toHaveText('cancelled');
      // The mock answers after 2 s: the reply is shown, marked late.
      await expect(newest(app)).toHaveAttribute('aria-label', /late reply/, { timeout: 8000 });
      await expect(newest(app).getByLabel('Late reply')).toContainText('late reply');
      const sequence = /sequence\s*(\d+)/.exec(await newest(app).innerText())![1]!;
      await app.filterFeed(`method:timeout hop:console dir:in seq:${sequence}`);
      await app.feedRows.last().click();
      await expect(page.getByRole('complementary', { name: 'Entry details' })).toContainText(
        'late: its call was cancelled',
      );
      await app.screenshot(`invoke-loop-cancel-${at}`);
    });

    test('arguments that do not fit the IDL are listed with their paths under the editor, and nothing is sent', async ({
      app,
      page,
    }) => {
      const invoke = app.region('Invoke');
      await app.selectMethod('echo');
      await app.setParams('{"text": "ok"}');
      await app.invoke();
      await expect(newest(app)).toContainText('"Yah! ok"');
      const before = await calls(app).count();
      await app.setParams('{"txt": 5, "extra": true}');
      await app.invoke();
      const problems = invoke.getByRole('alert', { name: 'Parameter problems' });
      await expect(problems).toContainText('3 arguments do not fit echo');
      await expect(problems.getByRole('listitem')).toHaveCount(3);
      await expect(problems).toContainText(/txt\s*unknown parameter/);
      await expect(problems).toContainText(/extra\s*unknown parameter/);
      await expect(problems).toContainText(/text\s*missing/);
      await expectInSight(page, problems, 'the problem list');
      await expect(calls(app)).toHaveCount(before);
      await expect(invoke).not.toContainText('RPCERROR_SENDFAILED');
      await app.setParams('{"text": 5}');
      await app.invoke();
      await expect(problems).toContainText(/text\s*expected string, got number/);
      await app.screenshot(`invoke-loop-validation-${at}`);
      // Fixing it clears the list, and the call goes out.
      await app.setParams('{"text": "fixed"}');
      await expect(problems).toHaveCount(0);
      await app.invoke();
      await expect(newest(app)).toContainText('"Yah! fixed"');
    });

    test('pushes to the console during a call are shown under it, decoded, with the time since the call; client interfaces are not callable', async ({
      app,
      page,
    }) => {
      const invoke = app.region('Invoke');
      await app.selectMethod('bidirection');
      await app.invoke();
      const pushes = newest(app).getByRole('list', { name: 'Pushes during this call' });
      await expect(pushes).toContainText('test.ITerminal.onMessage');
      await expect(pushes).toContainText(/\+\d+ ms/);
      await expect(pushes).toContainText('{"message":"server push message!"}');
      await expectInSight(page, pushes.getByText('test.ITerminal.onMessage').first(), 'the push');
      await app.screenshot(`invoke-loop-pushes-${at}`);
      const tree = page.getByRole('tree', { name: 'Methods' });
      await expect(
        tree.getByRole('treeitem', { name: /^test\.ITerminal, ifidx \d+, implemented by clients$/ }),
      ).toBeVisible();
      await app.selectMethod('onMessage');
      await expect(invoke.getByRole('button', { name: 'Invoke', exact: true })).toHaveCount(0);
      await expect(invoke.getByRole('button', { name: 'Push', exact: true })).toBeVisible();
    });

    test('a result card names its target, copies its value as JSON, and truncates a large value until "Show all"', async ({
      app,
      page,
    }) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      const long = `${runId()} ${'x'.repeat(6000)}`;
      await app.selectMethod('echo');
      await app.setParams(JSON.stringify({ text: long }));
      await app.invoke();
      const card = newest(app);
      await expect(card).toHaveAttribute('aria-label', /echo ok/);
      await expect(card.locator('.metric').filter({ hasText: 'target' })).toContainText('socket_gateway');
      await expect(card.getByLabel('Result value (truncated)')).toBeVisible();
      await card.getByRole('button', { name: 'Copy value as JSON' }).click();
      await expect
        .poll(() => page.evaluate<string>('navigator.clipboard.readText()'))
        .toBe(JSON.stringify(`Yah! ${long}`, null, 2));
      await app.screenshot(`invoke-loop-large-${at}`);
      await card.getByRole('button', { name: 'Show all' }).click();
      await expect(card.getByLabel('Result value (truncated)')).toHaveCount(0);
      await expect(card).toContainText(long.slice(-50));
    });
  });
}

/** What the project keeps before the reload: nothing, or a blank tab beside one that names a method. */
const KEPT = {
  nothing: null,
  'a blank tab and a named one': {
    active: 0,
    tabs: [
      { argsText: {}, mode: 'twoway', timeoutMs: 30000, extras: [] },
      { interface: 'test.BaseServer', method: 'datetime', argsText: {}, mode: 'twoway', timeoutMs: 30000, extras: [] },
    ],
  },
} as const;

for (const [what, kept] of Object.entries(KEPT)) {
  test(`a method chosen before the kept request tabs come back stays in front, aimed at the first gateway (kept: ${what})`, async ({
    app,
    page,
  }) => {
    // Hold the host's answer to `workspace.tabs` until the method is chosen: the order a busy machine gives.
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const frameOf = (message: string | Buffer): { id?: number; method?: string } => {
      try {
        return JSON.parse(message.toString()) as { id?: number; method?: string };
      } catch {
        return {};
      }
    };
    await page.routeWebSocket(/./, (ws) => {
      const server = ws.connectToServer();
      const held = new Set<number>();
      ws.onMessage((message) => {
        const frame = frameOf(message);
        if (frame.method === 'workspace.tabs' && frame.id !== undefined) held.add(frame.id);
        server.send(message);
      });
      server.onMessage((message) => {
        const id = frameOf(message).id;
        if (id !== undefined && held.delete(id)) void released.then(() => ws.send(message));
        else ws.send(message);
      });
    });
    // The page keeps its blank tab first; then the project holds what this case says.
    await expect.poll(() => keptTabs()).toContain('"tabs"');
    const file = join(process.env['TCE_E2E_PROJECT']!, '.tce-console', 'tabs.json');
    if (kept) writeFileSync(file, JSON.stringify(kept));
    else rmSync(file);
    await page.reload();
    await expect(app.region('Project').getByLabel('Sandbox')).toContainText('Sandbox running');
    await app.selectMethod('echo');
    const run = runId();
    await app.setParams(`{"text": "${run}"}`);
    release();
    const invoke = app.region('Invoke');
    const tabs = invoke.getByRole('tablist', { name: 'Requests' });
    await expect(tabs.getByRole('tab')).toHaveText(kept ? ['Server.echo', 'BaseServer.datetime'] : ['Server.echo']);
    await expect(invoke.locator('#target-select')).toHaveValue('socket_gateway');
    await app.invoke();
    await expect(newest(app)).toHaveAttribute('aria-label', /echo ok/);
    await expect(newest(app)).toContainText(`Yah! ${run}`);
  });
}
