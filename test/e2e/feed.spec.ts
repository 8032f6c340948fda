import type { WebBridgeClient } from '../../electron/web/client.js';
import { expect, runId, test } from './console-fixture.js';
import { rowCount, trafficBridge } from './feed-kit.js';

async function echoes(bridge: WebBridgeClient, run: string, count: number, user = 'scott.bo'): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      bridge.call('invoke', {
        target: { kind: 'endpoint', endpoint: 'socket_gateway' },
        interface: 'test.Server',
        method: 'echo',
        args: [`hello ${i}`],
        mode: 'async',
        extra: { name: user, run },
      }),
    ),
  );
}

test.describe('live feed', () => {
  const bridge = trafficBridge();

  test('filters live and retroactively: text, method, direction, hop, user and extra', async ({ app }) => {
    const run = runId();
    const other = runId();
    await echoes(bridge(), run, 5);
    await echoes(bridge(), other, 3, 'alice');
    // Console hop: CALL out and RETURN in; every hop of 8 calls is in the window already.
    await app.filterFeed(`extra.run=${run}`);
    await expect.poll(() => rowCount(app)).toBe(5 * 4);
    await app.filterFeed(`extra.run=${run} hop:console`);
    await expect(app.feedRows).toHaveCount(5);
    await app.filterFeed(`extra.run=${other} dir:in hop:gateway`);
    await expect(app.feedRows).toHaveCount(3);
    await app.filterFeed(`method:test.Server.echo extra.name=alice extra.run=${other}`);
    await expect.poll(() => rowCount(app)).toBe(3 * 4);
    await app.filterFeed(`mq_server extra.run=${run} hop:server`);
    await expect(app.feedRows).toHaveCount(5);
    // New entries join a filter that is already set.
    await echoes(bridge(), run, 2);
    await expect(app.feedRows).toHaveCount(7);
    await app.filterFeed('dir:sideways');
    await expect(app.region('Live feed').getByRole('alert')).toContainText(
      'column 1: dir: is in or out, not "sideways"',
    );
    await app.filterFeed(`extra.run=${run} hop:console`);
    await app.screenshot('feed-filtered');
  });

  test('pause holds entries in the host and resume delivers every one of them', async ({ app }) => {
    const run = runId();
    await app.filterFeed(`extra.run=${run} hop:console`);
    const feed = app.region('Live feed');
    await feed.getByRole('button', { name: 'Pause' }).click();
    await expect(feed.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
    await echoes(bridge(), run, 200);
    await expect(feed.locator('.feed-counters')).toContainText('waiting');
    expect(await rowCount(app)).toBe(0);
    await app.screenshot('feed-paused');
    await feed.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => rowCount(app)).toBe(200);
    await expect(feed.locator('.feed-counters')).toContainText('dropped 0');
  });

  test('autoscroll locks when the user scrolls up and shows how many rows are new', async ({ app }) => {
    const run = runId();
    await app.filterFeed(`extra.run=${run}`);
    await echoes(bridge(), run, 60);
    await expect.poll(() => rowCount(app)).toBe(240);
    const viewport = app.region('Live feed').locator('.feed-viewport');
    await viewport.hover();
    await app.page.mouse.wheel(0, -2000);
    await echoes(bridge(), run, 10);
    const newRows = app.region('Live feed').getByRole('button', { name: /^40 new ↓$/ });
    await expect(newRows).toBeVisible();
    await app.screenshot('feed-scrolled-up');
    await newRows.click();
    await expect(newRows).toBeHidden();
    await expect(app.feedRows.last()).toBeInViewport();
  });

  test('selecting a row shows the decoded payload, extra, header, raw bytes and the other hops', async ({ app }) => {
    const run = runId();
    await echoes(bridge(), run, 1);
    await app.filterFeed(`extra.run=${run}`);
    await expect(app.feedRows).toHaveCount(4);
    await app.feedRows.filter({ hasText: 'gateway' }).first().click();
    const details = app.page.getByRole('complementary', { name: 'Entry details' });
    await expect(details.getByRole('region', { name: 'Decoded payload' })).toContainText('"hello 0"');
    await expect(details.getByRole('region', { name: 'Extra' })).toContainText('scott.bo');
    await expect(details.getByRole('region', { name: 'Header' })).toContainText('ifidx / opidx');
    await expect(details.getByRole('region', { name: 'Raw bytes' })).toContainText('000000');
    const hops = details.getByRole('region', { name: 'Other hops of this call' }).getByRole('button');
    await expect(hops).toHaveCount(8);
    // The other hops are highlighted in the grid.
    await expect(app.feedGrid.locator('.feed-row.related')).toHaveCount(3);
    await app.screenshot('feed-details');
  });

  test('exports the visible rows as NDJSON', async ({ app }) => {
    const run = runId();
    await echoes(bridge(), run, 3);
    await app.filterFeed(`extra.run=${run} hop:console`);
    await expect(app.feedRows).toHaveCount(3);
    const download = app.page.waitForEvent('download');
    await app.region('Live feed').getByRole('button', { name: 'Export NDJSON' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/\.ndjson$/);
    const lines = (await (await file.createReadStream()).toArray()).join('').trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ hop: 'console', extra: { run } });
  });
});
