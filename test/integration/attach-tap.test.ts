// Attaching to a cluster the console did not start: the shop project's gateway (tce-gateway), its
// back end (tce-mock --only backends) and a client (tce-call) run as separate processes on a vhost
// of the test's own with RabbitMQ tracing on; a broker tap and a recording proxy watch them.
import { join } from 'node:path';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Attachments } from '../../electron/capture/attachments.js';
import { TracingOffError } from '../../electron/capture/tap.js';
import { Feed } from '../../electron/host/feed/feed.js';
import { rawBytes } from '../../electron/host/feed/entry.js';
import { FeedPayloads } from '../../shared/console-api/feed-decode.js';
import type { FeedEntry } from '../../shared/console-api/types.js';
import { OperationNames } from '../../shared/idl/operation-names.js';
import { parseConfigYml, parseServicesXml } from '../../shared/project/index.js';
import { readFileSync } from 'node:fs';
import { CliProcess, listeningUrls, requireBuilt, runCli } from '../../support/cli-kit.js';
import { rabbitmqctl, suffix } from '../../support/mq-kit.js';
import { shopModel } from '../support/shop-client.js';
import { shopProject, type ShopProject } from '../support/shop-project.js';

const VHOST = `tce-attach-${suffix()}`;
const URL = `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
const QUIET_VHOST = `tce-attach-off-${suffix()}`;

let project: ShopProject;
let gateway: CliProcess;
let backEnd: CliProcess | undefined;
let gatewayUrl: string;
let admin: ChannelModel;
const { model } = shopModel();

beforeAll(async () => {
  requireBuilt('tce-gateway', 'tce-mock', 'tce-call', 'tce-capture');
  // The test's own vhosts: tracing is turned on only here, never on a vhost the test did not make.
  await rabbitmqctl('add_vhost', VHOST);
  await rabbitmqctl('set_permissions', '-p', VHOST, 'guest', '.*', '.*', '.*');
  await rabbitmqctl('trace_on', '-p', VHOST);
  await rabbitmqctl('add_vhost', QUIET_VHOST);
  await rabbitmqctl('set_permissions', '-p', QUIET_VHOST, 'guest', '.*', '.*', '.*');
  project = shopProject(`tce-attach-${suffix()}`, { script: true });
  const env = { ...process.env, TCE_AMQP_URL: '' };
  gateway = new CliProcess('tce-gateway', [join(project.dir, 'services.xml'), 'shopgw', '--amqp', URL], env);
  [gatewayUrl] = listeningUrls(await gateway.waitFor(/listening on/)) as [string];
  backEnd = new CliProcess('tce-mock', [project.dir, '--only', 'backends', '--amqp', URL, '--quiet'], env);
  await backEnd.waitFor(/^tce-mock: ready/);
  admin = await connect(URL);
}, 120_000);

afterAll(async () => {
  await backEnd?.stop();
  await gateway?.stop();
  await admin?.close().catch(() => undefined);
  await rabbitmqctl('delete_vhost', VHOST).catch(() => undefined);
  await rabbitmqctl('delete_vhost', QUIET_VHOST).catch(() => undefined);
  project?.removeFiles();
}, 60_000);

function attachments(feed: Feed): Attachments {
  feed.setNames(new OperationNames(model));
  return new Attachments({ feed, log: () => undefined });
}

function projectModels(): {
  services: ReturnType<typeof parseServicesXml>['services'];
  config: ReturnType<typeof parseConfigYml>['config'];
} {
  const read = (name: string) => ({
    path: join(project.dir, name),
    text: readFileSync(join(project.dir, name), 'utf8'),
  });
  return {
    services: parseServicesXml(read('services.xml')).services,
    config: parseConfigYml(read('config.yml')).config,
  };
}

const shopCall = (target: string, ...call: string[]) =>
  runCli('tce-call', ['--idl', join(project.dir, 'shop.idl'), '--target', target, ...call]);

describe('a broker tap and a proxy on a cluster of CLI processes', () => {
  it('one call made by tce-call through the proxy is seen at every hop, decoded and under one correlation key', async () => {
    const feed = new Feed();
    const attach = attachments(feed);
    const payloads = new FeedPayloads(model, rawBytes);
    try {
      const tap = await attach.startTap(URL, projectModels());
      expect(tap).toMatchObject({ kind: 'tap', vhost: VHOST, state: 'running' });
      const proxy = await attach.startProxy({
        listen: 'tcp://127.0.0.1:0',
        upstream: gatewayUrl,
        endpoint: 'shop_tcp',
        gateway: 'shopgw',
      });
      if (proxy.kind !== 'proxy') throw new Error('not a proxy');
      const result = await shopCall(proxy.listen, 'shop.Catalog.item', '[7]');
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual({ id: 7, name: 'item 7', price: 9.5 });

      const path = (): string[] => feed.query(0, 100).map((e) => `${e.hop} ${e.direction} ${e.kind}`);
      await vi.waitFor(() => expect(path()).toHaveLength(6), { timeout: 10_000 });
      const entries = feed.query(0, 100);
      // proxy in → published to the back end's queue → delivered to it → its RETURN published to
      // the gateway's reply queue → delivered to the gateway → proxy out.
      expect([...path()].sort()).toEqual(
        [
          'proxy in call',
          'queue out call',
          'queue in call',
          'queue out return',
          'queue in return',
          'proxy out return',
        ].sort(),
      );
      const keys = new Set(entries.map((e) => e.correlation));
      expect([...keys]).toEqual([`call:${entries[0]!.sequence}:1@shopgw`]);
      const byHop = (hop: string, direction: string): FeedEntry =>
        entries.find((e) => e.hop === hop && e.direction === direction && e.kind === 'call')!;
      expect(byHop('queue', 'out').endpoint).toBe('shop_backend');
      for (const e of entries) {
        expect(e).toMatchObject({ interface: 'shop.Catalog', method: 'item' });
        const decoded = payloads.decode(e);
        expect(decoded).toEqual(
          e.kind === 'call'
            ? { ok: true, interface: 'shop.Catalog', method: 'item', kind: 'params', value: { id: 7 } }
            : {
                ok: true,
                interface: 'shop.Catalog',
                method: 'item',
                kind: 'result',
                value: { id: 7, name: 'item 7', price: 9.5 },
              },
        );
      }
    } finally {
      await attach.stopAll();
    }
  }, 60_000);

  it("the tap consumes none of the project's messages: with the back end stopped, one-way calls stay in its queue", async () => {
    const feed = new Feed();
    const attach = attachments(feed);
    await backEnd!.stop();
    backEnd = undefined;
    const queue = `${project.queues[0]}`;
    const channel = await admin.createChannel();
    try {
      const before = (await channel.checkQueue(queue)).messageCount;
      await attach.startTap(URL, projectModels());
      for (const sku of ['a', 'b', 'c']) {
        const r = await shopCall(gatewayUrl, 'shop.Catalog.touch', JSON.stringify([sku]), '--mode', 'oneway');
        expect(r.code).toBe(0);
      }
      await vi.waitFor(() => expect(feed.query(0, 100).filter((e) => e.method === 'touch')).toHaveLength(3), {
        timeout: 10_000,
      });
      expect(feed.query(0, 100).map((e) => `${e.hop} ${e.direction} ${e.endpoint}`)).toEqual(
        Array(3).fill('queue out shop_backend'),
      );
      // Every message is still there for the back end, though the tap saw each one.
      await vi.waitFor(async () => expect((await channel.checkQueue(queue)).messageCount).toBe(before + 3));
      const values = feed.query(0, 100).map((e) => new FeedPayloads(model, rawBytes).decode(e));
      expect(values.map((d) => (d.ok && d.kind === 'params' ? d.value : null))).toEqual([
        { sku: 'a' },
        { sku: 'b' },
        { sku: 'c' },
      ]);
    } finally {
      await channel.purgeQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
      await attach.stopAll();
    }
  }, 60_000);

  it('tce-capture --project --tap writes the queue hops of one-way calls as NDJSON with their decoded arguments, and stops at --count', async () => {
    const queue = project.queues[0]!;
    const capture = new CliProcess(
      'tce-capture',
      ['--project', project.dir, '--tap', URL, '--count', '2', '--duration', '60'],
      {
        ...process.env,
        TCE_AMQP_URL: '',
      },
    );
    const channel = await admin.createChannel();
    try {
      await vi.waitFor(() => expect(capture.stderr).toMatch(/recording; Ctrl\+C stops/), { timeout: 20_000 });
      expect(capture.stderr).toContain(`vhost ${VHOST}: queue ${queue} (shop_backend)`);
      for (const sku of ['x', 'y'])
        expect((await shopCall(gatewayUrl, 'shop.Catalog.touch', JSON.stringify([sku]), '--mode', 'oneway')).code).toBe(
          0,
        );
      expect(await capture.exited).toEqual({ code: 0, signal: null });
      const lines = capture.lines.map((l) => JSON.parse(l) as { hop: string; endpoint: string; decoded: unknown });
      expect(lines.map((l) => [l.hop, l.endpoint, l.decoded])).toEqual(
        ['x', 'y'].map((sku) => [
          'queue',
          'shop_backend',
          { ok: true, interface: 'shop.Catalog', method: 'touch', kind: 'params', value: { sku } },
        ]),
      );
    } finally {
      await capture.stop('SIGKILL');
      await channel.purgeQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  }, 60_000);

  it('on a vhost with tracing off the tap refuses to start and says how to turn tracing on', async () => {
    const attach = attachments(new Feed());
    const started = attach.startTap(`amqp://guest:guest@127.0.0.1:5672/${QUIET_VHOST}`, projectModels());
    await expect(started).rejects.toBeInstanceOf(TracingOffError);
    await expect(started).rejects.toThrow(`rabbitmqctl trace_on -p ${QUIET_VHOST}`);
    expect(attach.list()).toEqual([]);
    // It did not turn tracing on by itself.
    expect(await rabbitmqctl('list_vhosts', 'name', 'tracing', '--quiet')).toMatch(
      new RegExp(`${QUIET_VHOST}\\s+false`),
    );
  }, 30_000);
});
