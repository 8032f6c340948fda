// The feed as a trace viewer (issue 11): the filter language, follow call, captures, replay
// from details, error RETURNs named after their call, and the layout — at 1600×1000 and 1100×700.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import type { WebBridgeClient } from '../../electron/web/client.js';
import { expect, runId, test, type ConsolePage } from './console-fixture.js';
import { rowCount, trafficBridge } from './feed-kit.js';

const GATEWAY = { kind: 'endpoint', endpoint: 'socket_gateway' } as const;

async function echo(
  bridge: WebBridgeClient,
  text: string,
  run: string,
  mode: 'twoway' | 'async' = 'twoway',
): Promise<void> {
  const result = await bridge.call('invoke', {
    target: GATEWAY,
    interface: 'test.Server',
    method: 'echo',
    args: [text],
    mode,
    extra: { run },
  });
  expect(result.ok).toBe(true);
}

const details = (app: ConsolePage): Locator => app.page.getByRole('complementary', { name: 'Entry details' });

/** Nothing of `a` lies over `b`. */
async function expectApart(a: Locator, b: Locator): Promise<void> {
  const [ra, rb] = [await a.boundingBox(), await b.boundingBox()];
  expect(ra && rb).toBeTruthy();
  const overlap =
    ra!.x < rb!.x + rb!.width && rb!.x < ra!.x + ra!.width && ra!.y < rb!.y + rb!.height && rb!.y < ra!.y + ra!.height;
  expect(overlap, `${JSON.stringify(ra)} overlaps ${JSON.stringify(rb)}`).toBe(false);
}

for (const size of [
  { width: 1600, height: 1000 },
  { width: 1100, height: 700 },
]) {
  const at = `${size.width}x${size.height}`;

  test.describe(`feed as a trace viewer at ${at}`, () => {
    test.use({ viewport: size });
    const bridge = trafficBridge();

    test('filter language: payload search, fields, OR / NOT / parentheses, and bad syntax shown at the box', async ({
      app,
    }) => {
      const run = runId();
      // The argument text is only in the payload: no header field or extra holds it.
      const needle = `needle${runId()}`;
      await echo(bridge(), `a ${needle} in the payload`, run);
      await echo(bridge(), 'hay', run, 'async');
      const filter = app.page.getByRole('searchbox', { name: 'Filter' });

      // Free text finds the argument at every hop of the CALL, and the result ("Yah! a needle…") at every hop of the RETURN.
      await app.filterFeed(`${needle}`);
      await expect.poll(() => rowCount(app)).toBe(8);
      await app.filterFeed(`"${needle} in the payload" hop:console`);
      await expect(app.feedRows).toHaveCount(2);
      await app.filterFeed(`${needle} kind:call`);
      await expect(app.feedRows).toHaveCount(4);
      await expect(app.feedRows.first()).not.toContainText('async');
      // Fields, OR, NOT and parentheses, case-insensitively.
      await app.filterFeed(`extra.RUN=${run} (HOP:server OR hop:QUEUE) -kind:async`);
      await expect(app.feedRows).toHaveCount(2);
      await app.filterFeed(`extra.run=${run} kind:async`);
      await expect(app.feedRows).toHaveCount(4);
      await expect(app.feedRows.first()).toContainText('async');
      await app.filterFeed(`extra.run=${run} hop:gateway`);
      const user = /^gwserver\/(\d+)$/.exec(await app.feedRows.first().getByRole('gridcell').nth(4).innerText())![1]!;
      await app.filterFeed(`method:test.Server.echo extra.run=${run} seq>0 size>10 user:${user} hop:gateway`);
      await expect(app.feedRows).toHaveCount(2);
      await expect(app.region('Live feed')).toContainText(`user:${user} matches user ${user} at every gateway`);
      await app.filterFeed(`extra.run=${run} user:gwserver/${user}`);
      await expect(app.feedRows).toHaveCount(8);
      await app.filterFeed(`extra.run=${run} user:gwserver_ws/${user}`);
      await expect(app.feedRows).toHaveCount(0);
      await app.screenshot(`feed-filter-payload-${at}`);

      // Bad syntax: an error at the box with its column and the place marked; the rows stay those of the last valid filter.
      const unclosed = `extra.run=${run} (hop:server OR hop:queue`;
      await app.filterFeed(unclosed);
      const error = app.region('Live feed').getByRole('alert');
      await expect(error).toContainText(`column ${unclosed.indexOf('(') + 1}: this ( is never closed: add a )`);
      await expect(filter).toHaveAttribute('aria-invalid', 'true');
      await expect(error.locator('mark')).toHaveText('(');
      await expect(error).toContainText(`rows still show: extra.run=${run} user:gwserver_ws/${user}`);
      await expect(app.feedRows).toHaveCount(0);
      const badValue = `extra.run=${run} (hop:server OR dir:sideways)`;
      await app.filterFeed(badValue);
      await expect(error).toContainText(`column ${badValue.indexOf('dir:') + 1}: dir: is in or out, not "sideways"`);
      await expect(error.locator('mark')).toHaveText('dir:sideways');
      await app.filterFeed(`colour:red ${run}`);
      await expect(error).toContainText('unknown field "colour"');
      await app.screenshot(`feed-filter-error-${at}`);
      await app.filterFeed(`extra.run=${run}`);
      await expect(error).toBeHidden();
      await expect(filter).not.toHaveAttribute('aria-invalid');

      // The grammar is one click away, and its examples are filters.
      await app.region('Live feed').getByRole('button', { name: 'Filter help' }).click();
      const help = app.page.getByRole('dialog', { name: 'Filter syntax' });
      await expect(help).toContainText('extra.name=scott.bo');
      await expect(help).toContainText('latency>50');
      await expectApart(help, app.region('Live feed').locator('.feed-counters'));
      await app.screenshot(`feed-filter-help-${at}`);
      await help.getByRole('button', { name: 'hop:server' }).click();
      await expect(filter).toHaveValue('hop:server');
      await app.page.keyboard.press('Escape');
      await expect(help).toBeHidden();
    });

    test('follow call: every hop, the request, the reply and the pushes it caused; widened to whole calls', async ({
      app,
    }) => {
      const run = runId();
      const result = await bridge().call('invoke', {
        target: GATEWAY,
        interface: 'test.Server',
        method: 'bidirection',
        args: [],
        mode: 'twoway',
        extra: { run },
      });
      expect(result.ok).toBe(true);
      // Only the CALL carries the run's extra: the server's row.
      await app.filterFeed(`extra.run=${run} hop:server`);
      await expect(app.feedRows).toHaveCount(1);
      await app.feedRows.first().dblclick();
      const follow = details(app).getByRole('region', { name: 'Follow call' });
      await expect(follow).toContainText('test.Server.bidirection');
      const hops = follow.getByRole('region', { name: 'Call hops' }).getByRole('button');
      await expect(hops).toHaveCount(8);
      await expect(follow.getByRole('region', { name: 'Request' })).toContainText('{0}');
      await expect(follow.getByRole('region', { name: 'Reply' })).toContainText('null');
      const pushes = follow.getByRole('region', { name: 'Pushes it caused' });
      await expect(pushes).toContainText('test.ITerminal.onMessage');
      await expect(pushes).toContainText('"server push message!"');
      await app.screenshot(`feed-follow-call-${at}`);

      // A push row follows back to the call that caused it.
      await pushes
        .getByRole('button', { name: /console/ })
        .first()
        .click();
      await details(app).getByRole('tab', { name: 'Follow call' }).click();
      await expect(follow).toContainText('test.Server.bidirection');

      // "Show only this call", then the whole-calls widening of a filter that matches one hop.
      await follow.getByRole('button', { name: 'Show only this call' }).click();
      await expect(app.feedRows).toHaveCount(8);
      await app.filterFeed(`extra.run=${run}`);
      await expect.poll(() => rowCount(app)).toBe(4);
      await app.region('Live feed').getByRole('checkbox', { name: 'Whole calls' }).check();
      await expect.poll(() => rowCount(app)).toBe(8);
      await app.region('Live feed').getByRole('checkbox', { name: 'Whole calls' }).uncheck();
    });

    test('error RETURNs are named after the call they answer, and show their code and reason', async ({ app }) => {
      const run = runId();
      // The gateway routes no test.ITerminal call from a client: it answers error 4 at once.
      const result = await bridge().call('invoke', {
        target: GATEWAY,
        interface: 'test.ITerminal',
        method: 'onMessage',
        args: [run],
        mode: 'twoway',
        extra: { run },
      });
      expect(result).toMatchObject({ ok: false, error: { code: 4 } });
      await app.filterFeed(`method:test.ITerminal.onMessage kind:error`);
      const errorRows = app.feedRows.filter({ hasText: 'error' });
      await expect(errorRows.filter({ hasText: 'console' }).last()).toContainText('test.ITerminal.onMessage');
      await expect(app.feedRows.filter({ hasText: 'if 0 op 0' })).toHaveCount(0);
      await errorRows.filter({ hasText: 'console' }).last().click();
      const payload = details(app).getByRole('region', { name: 'Decoded payload' });
      await expect(payload).toContainText('RPCERROR_INTERFACE_NOTFOUND (4)');
      await expect(payload).toContainText('the server has no servant for this interface or operation');
      await expect(payload).not.toContainText('Could not decode');
      // Free text finds error reasons too.
      await app.filterFeed(`"no servant for this interface" method:onMessage`);
      await expect(app.feedRows.first()).toBeVisible();
      await app.screenshot(`feed-error-return-${at}`);
    });

    test('import opens a read-only capture tab; filters, details and follow call work there; the live feed is untouched', async ({
      app,
    }) => {
      const run = runId();
      await echo(bridge(), `captured ${run}`, run);
      const exported = await bridge().call('feed.export', { filter: { query: `extra.run=${run}`, wholeCalls: true } });
      expect(exported.count).toBe(8);
      const dir = mkdtempSync(join(tmpdir(), 'tce-e2e-capture-'));
      const file = join(dir, `capture-${run}.ndjson`);
      writeFileSync(file, exported.ndjson);
      // Every exported line carries its decoded payload beside raw.
      expect(JSON.parse(exported.ndjson.split('\n')[0]!)).toMatchObject({
        decoded: { ok: true, kind: 'params', value: { text: `captured ${run}` } },
      });

      await app.filterFeed('');
      const liveRows = await rowCount(app);
      const chooser = app.page.waitForEvent('filechooser');
      await app.region('Live feed').getByRole('button', { name: 'Import feed entries' }).click();
      await (await chooser).setFiles(file);
      const tab = app.region('Live feed').getByRole('tab', { name: new RegExp(`capture-${run}\\.ndjson`) });
      await expect(tab).toHaveAttribute('aria-selected', 'true');
      const grid = app.page.getByRole('grid', { name: `Capture capture-${run}.ndjson` });
      const rows = grid.locator('[role=rowgroup] [role=row]');
      await expect(rows).toHaveCount(8);
      await expect(app.region('Live feed')).toContainText('read-only capture');
      await expect(app.region('Live feed').getByRole('button', { name: 'Pause' })).toHaveCount(0);
      await app.filterFeed(`"captured ${run}" hop:server`);
      await expect(rows).toHaveCount(2);
      await rows.first().click();
      await expect(details(app).getByRole('region', { name: 'Decoded payload' })).toContainText(`"captured ${run}"`);
      await details(app).getByRole('button', { name: 'Follow call' }).click();
      await expect(details(app).getByRole('region', { name: 'Call hops' }).getByRole('button')).toHaveCount(8);
      await app.screenshot(`feed-capture-${at}`);

      // The live feed kept its own rows and filter; the capture closes.
      await app.region('Live feed').getByRole('tab', { name: 'Live' }).click();
      await expect(app.page.getByRole('searchbox', { name: 'Filter' })).toHaveValue('');
      expect(await rowCount(app)).toBeGreaterThanOrEqual(liveRows);
      await app
        .region('Live feed')
        .getByRole('button', { name: `Close capture capture-${run}.ndjson` })
        .click();
      await expect(app.region('Live feed').getByRole('tablist', { name: 'Feed views' })).toHaveCount(0);
    });

    test('open in Invoke replays a call from its details: same target, arguments, mode and extra', async ({ app }) => {
      const run = runId();
      await echo(bridge(), `replay ${run}`, run, 'async');
      await app.filterFeed(`extra.run=${run} hop:gateway`);
      await app.feedRows.first().click();
      // Copy JSON gives the arguments, Copy hex the RpcMessage bytes.
      await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      await details(app).getByRole('button', { name: 'Copy JSON' }).click();
      await expect
        .poll(() => app.page.evaluate('navigator.clipboard.readText()'))
        .toBe(JSON.stringify({ text: `replay ${run}` }, null, 2));
      await details(app).getByRole('button', { name: 'Copy hex' }).click();
      await expect.poll(() => app.page.evaluate('navigator.clipboard.readText()')).toMatch(/^01( [0-9a-f]{2})+$/);
      await details(app).getByRole('button', { name: 'Open in Invoke' }).click();
      const invoke = app.region('Invoke');
      await expect(invoke.getByRole('radio', { name: 'async' })).toBeChecked();
      await expect(invoke.locator('.args-editor')).toContainText(`replay ${run}`);
      await expect(invoke.getByLabel('Extra value 1')).toHaveValue(run);
      await app.screenshot(`feed-replay-${at}`);
      await app.invoke();
      await expect(invoke.getByRole('listitem', { name: /test\.Server\.echo ok/ }).first()).toContainText(
        `Yah! replay ${run}`,
      );
      // The replay went the same way: a second call with the run's extra, through socket_gateway.
      await app.filterFeed(`extra.run=${run} hop:console endpoint:socket_gateway kind:async`);
      await expect(app.feedRows).toHaveCount(2);
    });

    test('rows show gateway/user from the first console row on, sub-millisecond times, full sizes; Clear asks first', async ({
      app,
    }) => {
      const run = runId();
      // A new connection: its first CALL is recorded before the gateway has named its user.
      const connection = await bridge().call('connection.open', { target: GATEWAY, deviceId: `e2e-${run}` });
      const big = 'x'.repeat(70_000);
      const result = await bridge().call('invoke', {
        connectionId: connection.id,
        interface: 'test.Server',
        method: 'echo',
        args: [big],
        mode: 'twoway',
        extra: { run },
      });
      expect(result.ok).toBe(true);
      await app.filterFeed(`extra.run=${run} hop:console`);
      await expect(app.feedRows).toHaveCount(1);
      const row = app.feedRows.first();
      await expect(row.getByRole('gridcell').nth(4)).toHaveText(/^gwserver\/\d+$/);
      await expect(row.getByRole('gridcell').nth(0)).toHaveText(/^\d\d:\d\d:\d\d\.\d{6}$/);
      await expect(row.getByRole('gridcell', { name: /^70,\d{3} B$/ })).toBeVisible();
      // Its RETURN (whole calls) has a latency measured below the millisecond.
      await app.region('Live feed').getByRole('checkbox', { name: 'Whole calls' }).check();
      await expect(app.feedRows).toHaveCount(8);
      await expect(app.feedRows.filter({ hasText: 'console' }).filter({ hasText: 'return' })).toContainText(
        /\d\.\d+ ms/,
      );
      await app.region('Live feed').getByRole('checkbox', { name: 'Whole calls' }).uncheck();
      await bridge().call('connection.close', { id: connection.id });

      // Feed headers and the details pane share the width without overlapping.
      await app.feedRows.first().click();
      for (const header of await app.feedGrid.getByRole('columnheader').all()) {
        if (await header.isVisible()) await expectApart(header, details(app));
      }
      await app.screenshot(`feed-details-${at}`);

      // Clear asks; "this window" empties this view only: the host still has the entries.
      await app.region('Live feed').getByRole('button', { name: 'Clear', exact: true }).click();
      const dialog = app.page.getByRole('dialog', { name: 'Clear the live feed?' });
      await expect(dialog).toContainText('Clear for everyone');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await expect(app.feedRows).not.toHaveCount(0);
      await app.region('Live feed').getByRole('button', { name: 'Clear', exact: true }).click();
      await dialog.getByRole('button', { name: 'Clear this window' }).click();
      await expect(app.feedRows).toHaveCount(0);
      const held = await bridge().call('feed.query', { limit: 10, filter: { query: `extra.run=${run}` } });
      expect(held.entries.length).toBeGreaterThan(0);
    });
  });
}
