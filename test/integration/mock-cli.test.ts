// tce-mock on a project of its own (test/support/shop-project.ts), on the in-memory broker and on
// RabbitMQ: clients call through its gateways over TCP and WebSocket and get the examples, the
// script's values, overrides' error codes and the script's pushes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../support/mq-kit.js';
import { RABBIT_URL, RabbitAdmin, suffix } from '../../support/mq-kit.js';
import { CliProcess, requireBuilt, runCli } from '../../support/cli-kit.js';
import { shopClient, type ShopClient } from '../support/shop-client.js';
import { SHOP_IDL, shopProject, type ShopProject } from '../support/shop-project.js';

requireBuilt('tce-mock');

for (const broker of ['memory', 'amqp'] as const) {
  describe(`tce-mock on ${broker === 'amqp' ? 'RabbitMQ' : 'the in-memory broker'}`, () => {
    let project: ShopProject;
    let mock: CliProcess;
    let urls: { tcp: string; ws: string };
    const clients: ShopClient[] = [];
    const connect = (url: string): ShopClient => {
      const c = shopClient(url);
      clients.push(c);
      return c;
    };

    beforeAll(async () => {
      project = shopProject(`tce-mock-${suffix()}`);
      const args = broker === 'amqp' ? [project.dir, '--amqp', RABBIT_URL] : [project.dir];
      mock = new CliProcess('tce-mock', args, { ...process.env, TCE_AMQP_URL: '' });
      await mock.waitFor(/^tce-mock: ready/);
      const listen = (server: string): string =>
        /listens on (\S+)/.exec(mock.lines.find((l) => l.startsWith(`tce-mock: gateway ${server} `))!)![1]!;
      urls = { tcp: listen('shopgw'), ws: listen('shopgw_ws') };
    });
    afterAll(async () => {
      for (const c of clients) await c.close();
      await mock?.stop();
      if (broker === 'amqp') {
        const admin = await RabbitAdmin.open();
        await admin.remove(project.queues, project.exchanges);
        await admin.close();
      }
      project.removeFiles();
    });

    it('prints the broker, what listens where and what each back end answers', () => {
      expect(mock.lines).toContainEqual(
        broker === 'amqp'
          ? expect.stringMatching(/^tce-mock: broker: RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672/)
          : expect.stringMatching(/^tce-mock: broker: in-memory broker/),
      );
      expect(urls.tcp).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(urls.ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+/);
      expect(mock.lines).toContainEqual(
        'tce-mock: back end shopd reads shop_backend, answers shop.Base, shop.Catalog, shop.Orders: 9 operation(s), 6 by script (mocks/shop.mjs), 0 by override, 3 by example',
      );
    });

    for (const transport of ['tcp', 'ws'] as const) {
      it(`answers over ${transport}: examples, the script's values (inherited operations too), and logs each call`, async () => {
        const c = connect(urls[transport]);
        expect(await c.call('shop.Catalog.stock', [['a', 'b']])).toEqual({ errcode: 0, value: new Map([['key', 1]]) });
        expect(await c.call('shop.Catalog.count', [])).toEqual({ errcode: 0, value: 1n });
        expect(await c.call('shop.Catalog.touch', ['a'])).toEqual({ errcode: 0, value: undefined });
        expect(await c.call('shop.Catalog.item', [7])).toEqual({
          errcode: 0,
          value: { id: 7, name: 'item 7', price: 9.5 },
        });
        expect(await c.call('shop.Catalog.search', ['tea', 2])).toEqual({
          errcode: 0,
          value: [
            { id: 1, name: 'tea 1', price: 1 },
            { id: 2, name: 'tea 2', price: 1 },
          ],
        });
        expect(await c.call('shop.Catalog.version', [])).toEqual({ errcode: 0, value: 'shop 2.0' });
        await until(
          () =>
            mock.lines.some((l) =>
              /^shopd: shop\.Catalog\.item \{"id":7\} user=\d+ → \{"id":7,"name":"item 7","price":9\.5\} \(script mocks\/shop\.mjs\)$/.test(
                l,
              ),
            ),
          5_000,
          () => 'the call line',
        );
      });
    }

    it('ctx.push reaches the caller, not another client of the same gateway', async () => {
      const caller = connect(urls.tcp);
      const other = connect(urls.tcp);
      expect((await other.call('shop.Catalog.count', [])).errcode).toBe(0);
      expect(await caller.call('shop.Orders.watch', ['tea'])).toEqual({ errcode: 0, value: undefined });
      await until(
        () => caller.pushes.length === 1,
        5_000,
        () => 'the push',
      );
      expect(caller.pushes[0]).toMatchObject({ method: 'onPrice', args: { sku: 'tea', price: 1.25 } });
      // The other client's next call returns after anything sent to it before.
      expect((await other.call('shop.Catalog.count', [])).errcode).toBe(0);
      expect(other.pushes).toEqual([]);
    });

    it('an override written to .tce-console/mocks.json by hand answers its error code, over both transports', async () => {
      project.write(
        '.tce-console/mocks.json',
        JSON.stringify({ overrides: { 'shop.Catalog.item': { answer: { kind: 'error', code: 4, reason: 'gone' } } } }),
      );
      const tcp = connect(urls.tcp);
      const ws = connect(urls.ws);
      // Read again once the file watcher has seen it (debounced).
      for (let i = 0; i < 100 && (await tcp.call('shop.Catalog.item', [1])).errcode !== 4; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(await tcp.call('shop.Catalog.item', [1])).toEqual({ errcode: 4, value: undefined });
      expect(await ws.call('shop.Catalog.item', [1])).toEqual({ errcode: 4, value: undefined });
      project.write('.tce-console/mocks.json', JSON.stringify({ overrides: {} }));
    });
  });
}

describe('tce-mock, the command line', () => {
  it('stops cleanly on SIGINT and SIGTERM', async () => {
    const project = shopProject(`tce-mock-${suffix()}`, { script: false });
    try {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        const mock = new CliProcess('tce-mock', [project.dir], { ...process.env, TCE_AMQP_URL: '' });
        await mock.waitFor(/^tce-mock: ready/);
        expect(mock.lines).toContainEqual(
          expect.stringMatching(/^tce-mock: no scripts in .*mocks: answers are overrides or examples$/),
        );
        expect(await mock.stop(signal)).toEqual({ code: 0, signal: null });
        expect(mock.lines.at(-1)).toBe(`tce-mock: stopped (${signal})`);
      }
    } finally {
      project.removeFiles();
    }
  });

  it('usage errors exit 2; a project with errors, or an unreachable RabbitMQ for --only backends, exit 1 with the reason', async () => {
    const env = { ...process.env, TCE_AMQP_URL: '' };
    expect(await runCli('tce-mock', [], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected <project dir | services.xml>'),
    });
    expect(await runCli('tce-mock', ['x', '--only', 'sideways'], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--only must be gateways or backends, not 'sideways'"),
    });
    expect(await runCli('tce-mock', ['x', '--only', 'backends'], { env })).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--only backends needs --amqp URL'),
    });
    const help = await runCli('tce-mock', ['--help'], { env });
    expect(help).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('usage: tce-mock <project dir | services.xml>'),
    });
    const project = shopProject(`tce-mock-${suffix()}`, { script: false });
    try {
      project.write('shop.idl', 'module shop{ interface Base{ strin version(); }; }');
      const broken = await runCli('tce-mock', [project.dir], { env });
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/shop\.idl:1:\d+: error: .*strin/);
      project.write('shop.idl', SHOP_IDL);
      const unreachable = await runCli(
        'tce-mock',
        [project.dir, '--only', 'backends', '--amqp', 'amqp://guest:guest@127.0.0.1:1'],
        { env },
      );
      expect(unreachable).toMatchObject({
        code: 1,
        stderr: expect.stringMatching(
          /tce-mock: error: RabbitMQ at amqp:\/\/guest:\*\*\*@127\.0\.0\.1:1 is not reachable/,
        ),
      });
    } finally {
      project.removeFiles();
    }
  });
});
