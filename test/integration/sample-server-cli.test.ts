// tce-sample-server as a user runs it (the built CLI in a child process): sockets, RabbitMQ,
// argument and config errors, clean shutdown.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { ServerProxy } from '../../electron/sample-server/generated/test.js';
import type { Broker } from '../../shared/rpc/connection.js';
import { MqCallTarget } from '../../shared/rpc/mq-call-target.js';
import { MqReplies } from '../../shared/rpc/mq-replies.js';
import { ByteReader } from '../../shared/wire/bytes.js';
import { CallType, ExtraKey, type RpcMessage } from '../../shared/wire/message.js';
import { RABBIT_URL, RabbitAdmin, collect, queueAddress, suffix, topicAddress, until } from '../../support/mq-kit.js';
import {
  CliProcess,
  ROOT,
  listeningUrls,
  requireBuilt,
  runCli,
  startSampleServerCli,
  suffixedClusterConfig,
} from '../../support/cli-kit.js';
import { openRaw } from '../support/rpc-fixtures.js';

/** Spec §10 V1: CALL test.Server.echo("hello"), extra {name: scott.bo}, sequence 1 — the whole TCP/WebSocket frame. */
const V1 = Buffer.from(
  'efd2bb990000003c00000000010001000000010100020000000000000100000000000100000004' +
    '6e616d6500000008' +
    '73636f74742e626f' +
    '0000000568656c6c6f',
  'hex',
);

const TMP = join(ROOT, 'out', `tmp-sample-server-${process.pid}-${Date.now().toString(36)}`);

beforeAll(() => requireBuilt('tce-sample-server'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('socket mode', () => {
  let server: CliProcess;
  let tcp: string;
  let ws: string;

  beforeAll(async () => {
    const started = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0', '--listen', 'ws://127.0.0.1:0']);
    server = started.server;
    [tcp, ws] = listeningUrls(started.ready) as [string, string];
    expect(tcp).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/?$/);
  });
  afterAll(async () => {
    await server.stop('SIGKILL');
  });

  it('a raw client sending the spec V1 bytes gets a RETURN with sequence 1 and "Yah! hello"; the call is logged with its extra', async () => {
    expect(V1.length).toBe(64);
    const raw = await openRaw(tcp);
    try {
      raw.write(V1);
      const { message } = await raw.next(5_000);
      expect(message).toMatchObject({
        sequence: 1,
        calltype: CallType.RETURN,
        ifidx: 2,
        errcode: 0,
        paramsize: 1,
        callId: 0,
      });
      expect(new ByteReader(message.params).string()).toBe('Yah! hello');
      expect(
        await server.waitFor(/^echo\("hello"\) extra=\{"name":"scott\.bo"\} user=\d+ from=tcp:\/\/127\.0\.0\.1:\d+$/),
      ).toBeTruthy();
    } finally {
      raw.close();
    }
  });

  it('over WebSocket, the browser pattern (header and body as two messages) is answered too', async () => {
    const raw = await openRaw(ws);
    try {
      raw.write(V1.subarray(0, 14), V1.subarray(14));
      const { message } = await raw.next(5_000);
      expect(message.sequence).toBe(1);
      expect(new ByteReader(message.params).string()).toBe('Yah! hello');
    } finally {
      raw.close();
    }
  });

  it('stops cleanly on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const { server: other } = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0']);
      expect(await other.stop(signal)).toEqual({ code: 0, signal: null });
      expect(other.lines.at(-1)).toBe(`tce-sample-server: stopped (${signal})`);
      expect(other.stderr).toBe('');
    }
  });
});

describe('bad arguments and configuration', () => {
  it.each([
    [[], /nothing to serve/],
    [['--config', 'idl-samples/cluster/config.yml'], /--config needs --name SECTION/],
    [['--listen', 'tcp://127.0.0.1:0', '--broadcast'], /--broadcast applies to MQ mode/],
    [['--listen'], /--listen needs a value/],
    [['--frobnicate'], /unknown option --frobnicate/],
  ])('%j → usage error, exit 2', async (args, message) => {
    const r = await runCli('tce-sample-server', args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: tce-sample-server --listen URL/);
  });

  it('an unusable listen URL or a taken port: a clear error, exit 1', async () => {
    const bad = await runCli('tce-sample-server', ['--listen', 'udp://127.0.0.1:1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^tce-sample-server: error: cannot listen on udp:\/\/127\.0\.0\.1:1: bad endpoint URL .*unknown scheme udp:/m,
    );
    const { server, ready } = await startSampleServerCli(['--listen', 'tcp://127.0.0.1:0']);
    try {
      const taken = await runCli('tce-sample-server', ['--listen', listeningUrls(ready)[0]!]);
      expect(taken.code).toBe(1);
      expect(taken.stderr).toMatch(/cannot listen on tcp:\/\/127\.0\.0\.1:\d+: .*EADDRINUSE/);
    } finally {
      await server.stop();
    }
  });

  it('config.yml errors are diagnostics at file:line:col; a missing section names those there are', async () => {
    const { path } = suffixedClusterConfig(TMP, 'bad');
    writeFileSync(path, readFileSync(path, 'utf8').replace('af_mode: AF_READ', 'af_mode: [AF_READ'));
    const r = await runCli('tce-sample-server', ['--config', path, '--name', 'server']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: error: `, 'm'));
    const missing = await runCli('tce-sample-server', [
      '--config',
      'idl-samples/cluster/config.yml',
      '--name',
      'nobody',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'tce-sample-server: error: idl-samples/cluster/config.yml has no section "nobody" (sections: server)\n',
    );
    const unreadable = await runCli('tce-sample-server', ['--config', 'no/such/config.yml', '--name', 'server']);
    expect(unreadable.stderr).toBe('tce-sample-server: error: cannot read no/such/config.yml: no such file\n');
  });

  it('an unreachable broker or a bad --amqp URL: a clear error, exit 1', async () => {
    const unreachable = await runCli('tce-sample-server', [
      '--config',
      'idl-samples/cluster/config.yml',
      '--name',
      'server',
      '--amqp',
      'amqp://guest:guest@127.0.0.1:1',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^tce-sample-server: error: cannot reach RabbitMQ at 127\.0\.0\.1:1: ECONNREFUSED/m,
    );
    const bad = await runCli('tce-sample-server', [
      '--config',
      'idl-samples/cluster/config.yml',
      '--name',
      'server',
      '--amqp',
      'http://x',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--amqp: "http:\/\/x" is not an AMQP URL/);
  });
});

describe('MQ mode (RabbitMQ, the cluster config with test-unique queues)', () => {
  const id = suffix();
  let nodes: Record<string, string>;
  let server: CliProcess;
  let admin: RabbitAdmin;
  let broker: Broker;
  let replies: MqReplies;
  let proxy: ServerProxy;
  const pushes: RpcMessage[] = [];

  beforeAll(async () => {
    admin = await RabbitAdmin.open();
    const config = suffixedClusterConfig(TMP, id);
    nodes = config.nodes;
    const started = await startSampleServerCli([
      '--config',
      config.path,
      '--name',
      'server',
      '--amqp',
      RABBIT_URL,
      '--broadcast',
    ]);
    server = started.server;
    expect(started.ready).toBe(
      `tce-sample-server: serving mq_server via amqp://guest@127.0.0.1:5672 (writes mq_gateway, mq_gateway_ws, mq_gateway_broadcast; broadcast on)`,
    );
    // This test is the gateway: it writes mq_server and reads mq_gateway.
    broker = await connectAmqp(RABBIT_URL, { connectionName: `tce-test-sample-gw-${id}` });
    replies = new MqReplies(broker, await broker.openReader(queueAddress(nodes['mq_gateway']!)), {
      endpoint: 'mq_gateway',
      onUnmatched: (m) => pushes.push(m),
    });
    proxy = new ServerProxy(new MqCallTarget(await broker.openWriter(queueAddress(nodes['mq_server']!)), replies));
  });
  afterAll(async () => {
    await server?.stop();
    await broker?.close();
    await admin.remove(
      Object.values(nodes).filter((n) => !n.startsWith('mq_gateway_broadcast')),
      [nodes['mq_gateway_broadcast']!],
    );
    await admin.close();
  });

  it('echo through the queues, with the gateway\'s extra: "Yah! hello"; the log shows the user', async () => {
    expect(await proxy.echo('hello', { extra: { name: 'scott.bo', [ExtraKey.userId]: '1' } })).toBe('Yah! hello');
    expect(await server.waitFor(/^echo\("hello"\) extra=/)).toBe(
      'echo("hello") extra={"name":"scott.bo","__user_id__":"1","__mq_return__":"mq_gateway"} user=1 from=MQ endpoint mq_server',
    );
    expect(await proxy.datetime({ mode: 'async' })).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('bidirection() pushes through the calling gateway with __user_id__, and (--broadcast) on the broadcast topic', async () => {
    const topic = collect(await broker.openReader(topicAddress(nodes['mq_gateway_broadcast']!)));
    await proxy.bidirection({ extra: { [ExtraKey.userId]: '42' } });
    await until(
      () => pushes.length === 1,
      5_000,
      () => 'no push on mq_gateway',
    );
    expect(pushes[0]).toMatchObject({
      calltype: CallType.CALL | CallType.ONEWAY,
      ifidx: 3,
      opidx: 0,
      extra: { [ExtraKey.userId]: '42' },
    });
    expect(new ByteReader(pushes[0]!.params).string()).toBe('server push message!');
    await topic.waitFor(1);
    expect(topic.messages[0]!.extra).toEqual({ [ExtraKey.userId]: '42' });
    expect(new ByteReader(topic.messages[0]!.params).string()).toBe('server push message! (broadcast)');
  });

  it("the broker URL comes from TCE_AMQP_URL, else from the config's host and port with guest (noted)", async () => {
    const config = suffixedClusterConfig(TMP, id);
    const fromEnv = await startSampleServerCli(['--config', config.path, '--name', 'server', '--quiet'], {
      ...process.env,
      TCE_AMQP_URL: RABBIT_URL,
    });
    expect(await fromEnv.server.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(fromEnv.server.lines.at(-1)).toBe('tce-sample-server: stopped (SIGINT)');
    expect(fromEnv.server.stderr).toBe('');
    const env = { ...process.env };
    delete env['TCE_AMQP_URL'];
    const fromConfig = await startSampleServerCli(['--config', config.path, '--name', 'server', '--quiet'], env);
    await fromConfig.server.stop();
    expect(fromConfig.ready).toMatch(/serving mq_server via amqp:\/\/guest@127\.0\.0\.1:5672/);
    expect(fromConfig.server.stderr).toMatch(
      /note: host and port from endpoint "mq_server" with RabbitMQ's local default user guest/,
    );
  });
});
