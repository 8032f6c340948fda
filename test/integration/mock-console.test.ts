// The console on a project of its own (test/support/shop-project.ts) with its sandbox: mock
// answers through the console's own connection (marked in the feed), overrides set through the
// API, and pushes sent from the console to a chosen client, to every client, and to itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MocksState } from '../../shared/console-api/types.js';
import { shopClient, type ShopClient } from '../support/shop-client.js';
import { shopProject, type ShopProject } from '../support/shop-project.js';
import { startConsole, succeeded, waitForEntries, type Console } from './host-kit.js';
import { RABBIT_URL, RabbitAdmin, suffix, until } from '../../support/mq-kit.js';

describe.each(['memory', 'amqp'] as const)('the console on a project of its own, sandbox on %s', (broker) => {
  let project: ShopProject;
  let c: Console;
  let tcpUrl: string;
  const clients: ShopClient[] = [];
  const connect = (url: string): ShopClient => {
    const client = shopClient(url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    project = shopProject(`tce-console-mock-${suffix()}`);
    c = await startConsole();
    const snapshot = await c.bridge.call('project.open', { path: project.dir });
    expect(snapshot.clientInterfaces).toEqual(['shop.IShopClient']);
    const state = await c.bridge.call(
      'sandbox.start',
      broker === 'amqp' ? { broker: 'amqp', amqpUrl: RABBIT_URL } : { broker: 'memory' },
    );
    if (state.state !== 'running') throw new Error(`sandbox: ${JSON.stringify(state)}`);
    expect(state.backEnds).toEqual([
      { name: 'shopd', reads: ['shop_backend'], serves: ['shop.Base', 'shop.Catalog', 'shop.Orders'] },
    ]);
    tcpUrl = state.gateways.find((g) => g.server === 'shopgw')!.listen[0]!;
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await c?.close();
    if (broker === 'amqp') {
      const admin = await RabbitAdmin.open();
      await admin.remove(project.queues, project.exchanges);
      await admin.close();
    }
    project.removeFiles();
  });

  it('answers invokes with the example, the script or the override, and the feed marks each answer', async () => {
    const conn = await c.bridge.call('connection.open', { target: { kind: 'endpoint', endpoint: 'shop_tcp' } });
    const invoke = (method: string, args: unknown[], iface = 'shop.Catalog') =>
      c.bridge.call('invoke', { connectionId: conn.id, interface: iface, method, args: args as never, mode: 'twoway' });
    const stock = succeeded(await invoke('stock', [['a']]));
    expect(stock.value).toEqual({ key: 1 });
    const item = succeeded(await invoke('item', [3]));
    expect(item.value).toEqual({ id: 3, name: 'item 3', price: 9.5 });
    const changed: MocksState[] = [];
    const off = c.bridge.on('mocks.changed', (state) => changed.push(state));
    const state = await c.bridge.call('mocks.setOverride', {
      interface: 'shop.Catalog',
      method: 'item',
      override: { answer: { kind: 'error', code: 7, reason: 'closed' } },
    });
    expect(state.operations.find((o) => o.method === 'item')).toMatchObject({ behaviour: 'override', calls: 1 });
    const failed = await invoke('item', [3]);
    expect(failed).toMatchObject({ ok: false, error: { code: 7 } });
    await until(
      () => changed.some((s) => s.operations.find((o) => o.method === 'item')?.calls === 2),
      5_000,
      () => 'mocks.changed with the new count',
    );
    off();
    for (const [sequence, mock] of [
      [stock.sequence, 'example'],
      [item.sequence, 'script'],
      [failed.sequence!, 'override'],
    ] as const) {
      const [reply] = await waitForEntries(c.bridge, { hop: 'server', direction: 'out', text: `call:${sequence}:` });
      expect(reply, `${mock} answer`).toMatchObject({ mock, note: `answered by the mock: ${mock}` });
    }
    await c.bridge.call('mocks.setOverride', { interface: 'shop.Catalog', method: 'item', override: null });
    await expect(
      c.bridge.call('mocks.setOverride', {
        interface: 'shop.Catalog',
        method: 'item',
        override: { answer: { kind: 'result', value: 'not an item' } },
      }),
    ).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/does not fit its return type: result: expected shop\.Item_t/),
    });
  });

  it('sends a push from the console to the chosen client only, as a back end would', async () => {
    const a = connect(tcpUrl);
    const b = connect(tcpUrl);
    expect((await a.call('shop.Catalog.count', [])).errcode).toBe(0);
    expect((await b.call('shop.Catalog.count', [])).errcode).toBe(0);
    // a connected (on its first call) before b: the gateway's last two clients are a, then b.
    const users = (await c.bridge.call('sandbox.clients', {}))
      .filter((x) => x.gateway === 'shopgw')
      .map((x) => x.userId);
    const [userA, userB] = users.slice(-2);
    expect(userA).not.toBe(userB);
    const result = await c.bridge.call('push.send', {
      interface: 'shop.IShopClient',
      method: 'onNotice',
      args: { text: 'to one' },
      to: { kind: 'user', gateway: 'shopgw', userId: userA! },
    });
    expect(result.sent).toEqual([
      { gateway: 'shopgw', endpoint: 'shop_replies', userId: userA, sequence: expect.any(Number) },
    ]);
    await until(
      () => a.pushes.length === 1,
      5_000,
      () => 'the push',
    );
    expect(a.pushes[0]).toEqual({ method: 'onNotice', args: { text: 'to one' }, userId: userA });
    // b's next call returns after anything sent to it before.
    expect((await b.call('shop.Catalog.count', [])).errcode).toBe(0);
    expect(b.pushes).toEqual([]);
    // Every hop of it is in the feed: the console's publish, the gateway's queue and client sides.
    const hops = await waitForEntries(
      c.bridge,
      { text: `push:${result.sent[0]!.sequence}:${userA}@`, method: 'onNotice' },
      3,
    );
    expect(hops.map((e) => `${e.hop} ${e.direction}`)).toEqual(
      expect.arrayContaining(['server out', 'queue in', 'gateway out']),
    );
  });

  it('sends to every connected user through the broadcast topic', async () => {
    const a = connect(tcpUrl);
    const b = connect(tcpUrl);
    expect((await a.call('shop.Catalog.count', [])).errcode).toBe(0);
    expect((await b.call('shop.Catalog.count', [])).errcode).toBe(0);
    const result = await c.bridge.call('push.send', {
      interface: 'shop.IShopClient',
      method: 'onPrice',
      args: ['tea', 2.5],
      to: { kind: 'all' },
    });
    expect(result.sent.every((s) => s.endpoint === 'shop_broadcast')).toBe(true);
    await until(
      () => a.pushes.length === 1 && b.pushes.length === 1,
      5_000,
      () => `pushes: a ${a.pushes.length}, b ${b.pushes.length}`,
    );
    expect(a.pushes[0]).toMatchObject({ method: 'onPrice', args: { sku: 'tea', price: 2.5 } });
  });

  it("pushes to the console's own connection, which the client list names; refuses what no client implements", async () => {
    const conn = await c.bridge.call('connection.open', { target: { kind: 'endpoint', endpoint: 'shop_tcp' } });
    succeeded(
      await c.bridge.call('invoke', {
        connectionId: conn.id,
        interface: 'shop.Catalog',
        method: 'count',
        args: [],
        mode: 'twoway',
      }),
    );
    const mine = (await c.bridge.call('sandbox.clients', {})).find((x) => x.connectionId === conn.id);
    expect(mine).toMatchObject({ gateway: 'shopgw', endpoint: 'shop_tcp' });
    await c.bridge.call('push.send', {
      interface: 'shop.IShopClient',
      method: 'onNotice',
      args: { text: 'hello console' },
      to: { kind: 'user', gateway: 'shopgw', userId: mine!.userId },
    });
    const [received] = await waitForEntries(c.bridge, { hop: 'console', direction: 'in', method: 'onNotice' });
    expect(received).toMatchObject({ push: true, peer: conn.id, interface: 'shop.IShopClient' });
    expect(await c.bridge.call('feed.decode', { id: received!.id })).toEqual({
      ok: true,
      interface: 'shop.IShopClient',
      method: 'onNotice',
      kind: 'params',
      value: { text: 'hello console' },
    });
    await expect(
      c.bridge.call('push.send', {
        interface: 'shop.Catalog',
        method: 'touch',
        args: ['x'],
        to: { kind: 'user', gateway: 'shopgw', userId: '1' },
      }),
    ).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/shop\.Catalog is not implemented by clients/),
    });
    await expect(
      c.bridge.call('push.send', {
        interface: 'shop.IShopClient',
        method: 'onNotice',
        args: { txt: 'x' },
        to: { kind: 'user', gateway: 'shopgw', userId: '1' },
      }),
    ).rejects.toMatchObject({
      code: 'invalid-params',
      message: expect.stringMatching(/unknown parameter "txt"/),
    });
  });
});
