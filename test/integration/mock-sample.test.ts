// The sample back end two ways — tce-sample-server's servant (electron/sample-server) and the
// mock script idl-samples/cluster/mocks/sample.mjs on the mock engine — behind the same gateway
// over RabbitMQ: a client must not be able to tell them apart.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockBackEnd } from '../../electron/mock/back-end.js';
import { PUSH_MESSAGE } from '../../electron/sample-server/servant.js';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { openMockEngine } from '../support/mock-kit.js';
import { client, cluster, gateway, startBackEnd, urlOf, type Cluster } from './gateway-kit.js';
import { RABBIT_URL, RabbitAdmin, until } from '../../support/mq-kit.js';

const TEST_IDL = join(import.meta.dirname, '../../idl-samples/cluster/test.idl');

let admin: RabbitAdmin;
beforeAll(async () => {
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

/** What a client sees of the sample back end's operations. */
async function observe(url: string): Promise<Record<string, unknown>> {
  const c = client(url);
  try {
    const seen: Record<string, unknown> = {};
    seen['echo'] = await c.server.echo('hello', { extra: { name: 'scott.bo' } });
    seen['echo empty'] = await c.server.echo('');
    seen['echo async'] = await c.server.echo('async', { mode: 'async' });
    seen['heartbeat'] = await c.server.heartbeat('hi');
    c.server.heartbeatOneway('hi');
    const datetime = await c.server.datetime();
    seen['datetime'] =
      Math.abs(Date.parse(datetime) - Date.now()) < 86_400_000 &&
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(datetime);
    const started = Date.now();
    seen['timeout'] = await c.server.timeout(1);
    seen['timeout waited'] = Date.now() - started >= 950;
    seen['timeout negative'] = await c.server.timeout(-5);
    seen['bidirection'] = await c.server.bidirection();
    await until(
      () => c.pushes.length >= 1,
      5_000,
      () => 'the push of bidirection()',
    );
    // A second push would have come with the first.
    await c.server.echo('flush');
    seen['pushes'] = [...c.pushes];
    return seen;
  } finally {
    await c.close();
  }
}

describe('the sample back end, servant and mock script', () => {
  const clusters: Cluster[] = [];
  afterAll(async () => {
    for (const c of clusters) await c.remove(admin);
  });

  it('answer every operation of test.idl alike: echo, heartbeat, datetime, timeout, bidirection and its push', async () => {
    const servant = cluster();
    clusters.push(servant);
    const backEnd = await startBackEnd(servant);
    const gw = await gateway(servant, 'gwserver');
    const fromServant = await observe(urlOf(gw)).finally(async () => {
      await gw.close();
      await backEnd.close();
    });

    const script = cluster();
    clusters.push(script);
    copyFileSync(TEST_IDL, join(script.dir, 'test.idl'));
    const opened = await openMockEngine(script.dir);
    const broker = await connectAmqp(RABBIT_URL, { connectionName: 'tce-test-mock-sample', log: () => undefined });
    const mock = await startMockBackEnd({ engine: opened.engine, section: 'server', broker, log: () => undefined });
    const gw2 = await gateway(script, 'gwserver');
    const fromScript = await observe(urlOf(gw2)).finally(async () => {
      await gw2.close();
      await mock.close();
      await broker.close();
      await opened.close();
    });

    expect(fromServant).toEqual({
      echo: 'Yah! hello',
      'echo empty': 'Yah! ',
      'echo async': 'Yah! async',
      heartbeat: undefined,
      datetime: true,
      timeout: undefined,
      'timeout waited': true,
      'timeout negative': undefined,
      bidirection: undefined,
      pushes: [PUSH_MESSAGE],
    });
    expect(fromScript).toEqual(fromServant);
    // Every operation was answered by the script, none by an example.
    const state = opened.engine.state();
    expect(state.operations.map((o) => `${o.interface}.${o.method} ${o.behaviour}`).sort()).toEqual(
      [
        'test.BaseServer.datetime',
        'test.Server.bidirection',
        'test.Server.echo',
        'test.Server.heartbeat',
        'test.Server.timeout',
      ].map((k) => `${k} script`),
    );
  });
});
