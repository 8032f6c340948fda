import { expect, runId, test, type ConsolePage } from './console-fixture.js';

/** The hops one call crosses in the sandbox, out and back. */
const CALL_PATH = ['console', 'gateway', 'queue', 'server'];

async function expectHops(app: ConsolePage, run: string): Promise<void> {
  // The CALL's rows carry the extra; every hop of the call is there.
  await app.filterFeed(`extra.run=${run}`);
  for (const hop of CALL_PATH) await expect(app.feedRows.filter({ hasText: hop }).first()).toBeVisible();
  // Its details list every hop, the RETURN's included (one call = one correlation).
  await app.feedRows.first().click();
  const hops = app.page
    .getByRole('complementary', { name: 'Entry details' })
    .getByRole('region', { name: 'Other hops of this call' });
  for (const hop of CALL_PATH) await expect(hops.getByRole('button', { name: new RegExp(hop) }).first()).toBeVisible();
}

test.describe('invoke', () => {
  test('echo with extra name=scott.bo, two-way: result, latency, sequence, sizes and a feed row per hop', async ({
    app,
  }) => {
    const run = runId();
    await app.selectMethod('echo');
    await app.setParams('{"text": "hello"}');
    await app.addExtra('name', 'scott.bo');
    await app.addExtra('run', run);
    await app.page.getByRole('radio', { name: 'two-way' }).check();
    await app.invoke();
    const call = app
      .region('Invoke')
      .getByRole('listitem', { name: /test\.Server\.echo ok/ })
      .first();
    await expect(call).toContainText('"Yah! hello"');
    await expect(call).toContainText('latency');
    await expect(call).toContainText('sequence');
    await expect(call).toContainText(/request\s*\d+ B/);
    await expectHops(app, run);
    await expect(app.page.getByRole('complementary', { name: 'Entry details' })).toContainText('scott.bo');
    await app.screenshot('invoke-twoway');
  });

  test('echo async: several in flight, each with its own row', async ({ app }) => {
    const run = runId();
    await app.selectMethod('echo');
    await app.setParams('["hello"]');
    await app.addExtra('name', 'scott.bo');
    await app.addExtra('run', run);
    await app.page.getByRole('radio', { name: 'async' }).check();
    for (let i = 0; i < 3; i++) await app.invoke();
    const calls = app.region('Invoke').getByRole('listitem', { name: /test\.Server\.echo ok/ });
    await expect(calls).toHaveCount(3);
    await expect(calls.first()).toContainText('async');
    await expectHops(app, run);
    await expect(app.feedRows.filter({ hasText: 'console' })).toHaveCount(3);
    await app.screenshot('invoke-async');
  });

  test('one-way is disabled, with the reason, for an operation that returns a value', async ({ app }) => {
    await app.selectMethod('echo');
    const oneway = app.page.getByRole('radio', { name: 'one-way' });
    await expect(oneway).toBeDisabled();
    await expect(app.page.getByRole('radiogroup', { name: 'Mode' })).toHaveAccessibleDescription(/echo returns string/);
    await app.selectMethod('heartbeat');
    await expect(oneway).toBeEnabled();
  });

  test('one-way heartbeat with extra name=scott.bo reaches the server', async ({ app }) => {
    const run = runId();
    await app.selectMethod('heartbeat');
    await app.setParams('{"hello": "hi"}');
    await app.addExtra('name', 'scott.bo');
    await app.addExtra('run', run);
    await app.page.getByRole('radio', { name: 'one-way' }).check();
    await expect(app.page.getByLabel('Timeout (ms)')).toBeDisabled();
    await app.invoke();
    await expect(
      app
        .region('Invoke')
        .getByRole('listitem', { name: /test\.Server\.heartbeat ok/ })
        .first(),
    ).toContainText('one-way');
    await app.filterFeed(`extra.run=${run}`);
    for (const hop of CALL_PATH) await expect(app.feedRows.filter({ hasText: hop }).first()).toBeVisible();
    await expect(app.feedRows.first()).toContainText('oneway');
  });

  test('bidirection: the push arrives and is marked', async ({ app }) => {
    await app.selectMethod('bidirection');
    await app.invoke();
    await expect(
      app
        .region('Invoke')
        .getByRole('listitem', { name: /test\.Server\.bidirection ok/ })
        .first(),
    ).toBeVisible();
    await app.filterFeed('method:onMessage hop:console');
    const push = app.feedRows.filter({ hasText: 'PUSH' }).first();
    await expect(push).toContainText('test.ITerminal.onMessage');
    await push.click();
    const details = app.page.getByRole('complementary', { name: 'Entry details' });
    await expect(details.getByRole('region', { name: 'Decoded payload' })).toContainText('message');
    await expect(details.getByRole('region', { name: 'Raw bytes' })).toContainText('000000');
    await app.screenshot('push');
  });

  test('a TCE error shows its code and reason; a call can be copied as a tce-call command line', async ({
    app,
    page,
  }) => {
    await app.selectMethod('echo');
    await app.setParams('{"text": "hello"}');
    await app.addExtra('name', 'scott.bo');
    await app.page.getByRole('radio', { name: 'async' }).check();
    await page.getByLabel('Timeout (ms)').fill('3000');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await app.region('Invoke').getByRole('button', { name: 'Copy as tce-call' }).click();
    const line = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(line).toMatch(
      /^\S*node \S+\/dist\/electron\/cli\/tce-call\.js --idl \S+test\.idl --target tcp:\/\/127\.0\.0\.1:\d+ test\.Server\.echo '\{"text":"hello"\}' --extra name=scott\.bo --mode async --timeout 3000$/,
    );
    // `timeout` sleeps longer than the call waits.
    await app.selectMethod('timeout');
    await app.setParams('{"secs": 3}');
    await page.getByRole('radio', { name: 'two-way' }).check();
    await page.getByLabel('Timeout (ms)').fill('300');
    await app.invoke();
    const failed = app
      .region('Invoke')
      .getByRole('listitem', { name: /test\.Server\.timeout error/ })
      .first();
    await expect(failed.getByRole('alert')).toContainText(/RPCERROR_\w+ \(\d+\)/);
  });

  test("parameters are checked against the operation's JSON Schema as the user types", async ({ app }) => {
    await app.selectMethod('echo');
    await app.setParams('{"text": 5, "extra": true}');
    const editor = app.region('Invoke').locator('.args-editor');
    await expect(editor.locator('.squiggly-error').first()).toBeVisible();
    await app.region('Invoke').getByRole('button', { name: 'Generate example' }).click();
    await expect(editor).toContainText('"text": "text"');
    await expect(editor.locator('.squiggly-error')).toHaveCount(0);
    // The positional form the codec also takes is valid too, with the right number of parameters.
    await app.setParams('["in order", "one too many"]');
    await expect(editor.locator('.squiggly-error').first()).toBeVisible();
    await app.setParams('["in order"]');
    await expect(editor).toContainText('["in order"]');
    await expect(editor.locator('.squiggly-error')).toHaveCount(0);
  });

  test('a call can be saved and put back into the form', async ({ app, page }) => {
    const name = `echo-${runId()}`;
    await app.selectMethod('echo');
    await app.setParams('{"text": "kept"}');
    await app.region('Invoke').getByRole('button', { name: 'Save call' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save call' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await app.selectMethod('datetime');
    await app.region('Invoke').getByRole('tab', { name: 'Saved' }).click();
    await app
      .region('Invoke')
      .getByRole('button', { name: new RegExp(`^${name}`) })
      .click();
    await expect(
      page.getByRole('tree', { name: 'Methods' }).getByRole('treeitem', { name: 'echo, opidx 0' }),
    ).toHaveAttribute('aria-selected', 'true');
    await expect(app.region('Invoke').locator('.args-editor')).toContainText('"kept"');
  });

  test('an environment keeps default extras that every call sends', async ({ app, page }) => {
    const env = `env-${runId()}`;
    const run = runId();
    await page.getByRole('combobox', { name: 'Environment' }).selectOption('New environment…');
    const dialog = page.getByRole('dialog', { name: 'New environment' });
    await dialog.getByLabel('Name').fill(env);
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(page.getByRole('combobox', { name: 'Environment' })).toHaveValue(env);
    await app.selectMethod('echo');
    await app.addExtra('run', run);
    await app
      .region('Invoke')
      .getByRole('button', { name: `Make defaults of ${env}` })
      .click();
    // The table shows the default (not an editable row any more) and the call sends it.
    await expect(app.region('Invoke').locator('.env-default')).toContainText(run);
    await app.invoke();
    await expect(
      app
        .region('Invoke')
        .getByRole('listitem', { name: /test\.Server\.echo ok/ })
        .first(),
    ).toBeVisible();
    await app.filterFeed(`extra.run=${run} hop:server`);
    await expect(app.feedRows).toHaveCount(1);
    await page.getByRole('combobox', { name: 'Environment' }).selectOption('');
  });
});
