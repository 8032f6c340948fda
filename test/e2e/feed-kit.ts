// What the feed's e2e tests share: a second client of the console's host, and the rows the grid holds.
import { connectWebBridge, type WebBridgeClient } from '../../electron/web/client.js';
import { test, type ConsolePage } from './console-fixture.js';

/**
 * A second client of the same host for every test of the calling describe block: it drives calls
 * through the sandbox like another tool would. Returns the current test's bridge.
 */
export function trafficBridge(): () => WebBridgeClient {
  let bridge: WebBridgeClient | undefined;
  test.beforeEach(async () => {
    const page = new URL(process.env['TCE_E2E_URL']!);
    bridge = await connectWebBridge(`ws://${page.host}/api?token=${page.searchParams.get('token')}`);
  });
  test.afterEach(async () => {
    await bridge?.close();
  });
  return () => bridge!;
}

/** Rows the grid holds for the current filter, as its counter says. */
export async function rowCount(app: ConsolePage): Promise<number> {
  const text = await app.region('Live feed').locator('.feed-counters').innerText();
  return Number(/([\d,]+)(?: of [\d,]+)? rows/.exec(text)![1]!.replace(/,/g, ''));
}
