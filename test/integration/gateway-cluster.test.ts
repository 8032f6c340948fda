// The cluster example end to end on real sockets and RabbitMQ: clients → gateway (gwserver over
// TCP, gwserver_ws over WebSocket) → queue → the sample back end → back, pushes included (spec §7.5).
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { GatewayEvent } from '../../electron/gateway/index.js';
import { PUSH_MESSAGE, BROADCAST_PUSH_MESSAGE } from '../../electron/sample-server/servant.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { FrameParser, encodeFrame } from '../../shared/wire/frame.js';
import { CallType, decodeMessage, rpcMessage, type RpcMessage } from '../../shared/wire/message.js';
import {
  TestScope,
  client,
  gateway,
  startBackEnd,
  urlOf,
  type BackEnd,
  type Client,
  type Cluster,
} from './gateway-kit.js';
import { RabbitAdmin, sleep, until } from '../../support/mq-kit.js';

let admin: RabbitAdmin;
beforeAll(async () => {
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

/** Everything a test starts, stopped after it whatever happened. */
const scope = new TestScope();
afterEach(() => scope.cleanup(admin));
const { running } = scope;
const track = <T extends { close(): Promise<void> }>(thing: T): T => scope.track(thing);
const newCluster = (edit?: Parameters<typeof scope.cluster>[0]): Cluster => scope.cluster(edit);

async function rig(
  serverName: 'gwserver' | 'gwserver_ws',
  options: { backEnd?: boolean; broadcast?: boolean; useridCheck?: boolean } = {},
) {
  const c = newCluster({ useridCheck: options.useridCheck });
  const backEnd =
    options.backEnd === false ? undefined : track(await startBackEnd(c, { broadcast: options.broadcast }));
  const gw = track(await gateway(c, serverName));
  return { c, backEnd, gw, url: urlOf(gw) };
}

const newClient = (url: string, options?: Parameters<typeof client>[1]): Client => track(client(url, options));
const callsSeen = (backEnd: BackEnd, name: string): RpcMessage[] =>
  backEnd.traffic
    .filter((e) => e.direction === 'in' && e.message.ifidx === 2 && e.message.opidx === OPS[name])
    .map((e) => e.message);
const OPS: Record<string, number> = { echo: 0, timeout: 1, heartbeat: 2, bidirection: 3 };

for (const serverName of ['gwserver', 'gwserver_ws'] as const) {
  describe(`${serverName}: a client through the gateway to the MQ back end`, () => {
    it('echo with extra: the back end sees __user_id__, __mq_return__ and call_id 0x8000 on the wire', async () => {
      const { backEnd, url, gw } = await rig(serverName);
      const c = newClient(url);
      await expect(c.server.echo('hello', { extra: { name: 'scott.bo', __user_id__: 'forged' } })).resolves.toBe(
        'Yah! hello',
      );
      const [inbound] = backEnd!.traffic.filter((e) => e.direction === 'in');
      expect(inbound!.message.extra).toEqual({
        name: 'scott.bo',
        __user_id__: '1',
        __mq_return__: serverName === 'gwserver' ? 'mq_gateway' : 'mq_gateway_ws',
      });
      // call_id is bytes 15–16 of the RpcMessage (spec §1.3).
      expect([...inbound!.raw.subarray(15, 17)]).toEqual([0x80, 0x00]);
      expect(gw.counters()).toMatchObject({
        callsForwarded: 1,
        returnsDelivered: 1,
        callsAwaitingReply: 0,
        connectionsOpen: 1,
      });
    });

    it('one-way and async calls keep their calltype; datetime (BaseServer) is routed too', async () => {
      const { backEnd, url } = await rig(serverName);
      const c = newClient(url);
      c.server.heartbeatOneway('hi');
      await expect(c.server.echo('async', { mode: 'async' })).resolves.toBe('Yah! async');
      await expect(c.server.datetime()).resolves.toMatch(/^\d{4}-\d\d-\d\dT/);
      await until(
        () => callsSeen(backEnd!, 'heartbeat').length === 1,
        5_000,
        () => 'the heartbeat',
      );
      expect(callsSeen(backEnd!, 'heartbeat')[0]).toMatchObject({
        calltype: 0x21,
        callId: 0x8000,
        extra: { __user_id__: '1' },
      });
      expect(callsSeen(backEnd!, 'echo')[0]!.calltype).toBe(0x41);
    });

    it('a call that outlives its timeout fails on the client with error 2; the late reply is harmless', async () => {
      const { url, gw } = await rig(serverName);
      const c = newClient(url);
      const error = await c.server.timeout(1, { timeout: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).code).toBe(ErrorCode.TIMEOUT);
      await until(
        () => gw.counters().returnsDelivered === 1,
        5_000,
        () => 'the late RETURN',
      );
      await expect(c.server.echo('still fine')).resolves.toBe('Yah! still fine');
    });

    it('bidirection(): each of two clients gets its own push, and only that one', async () => {
      const { url, gw } = await rig(serverName);
      const a = newClient(url);
      const b = newClient(url);
      await a.server.echo('connect a');
      await b.server.echo('connect b');
      await a.server.bidirection();
      await until(
        () => a.pushes.length === 1,
        5_000,
        () => 'the push to a',
      );
      await b.server.bidirection();
      await until(
        () => b.pushes.length === 1,
        5_000,
        () => 'the push to b',
      );
      await sleep(200);
      expect(a.pushes).toEqual([PUSH_MESSAGE]);
      expect(b.pushes).toEqual([PUSH_MESSAGE]);
      expect(gw.counters().pushesDelivered).toBe(2);
    });

    it('an unknown operation comes back as error 4 from the back end', async () => {
      const { url } = await rig(serverName);
      const c = newClient(url);
      const error = await c.rpc
        .call({ ifidx: 2, opidx: 99, paramsize: 0, params: new Uint8Array(0), mode: 'twoway' })
        .catch((e: unknown) => e);
      expect((error as RpcError).code).toBe(ErrorCode.INTERFACE_NOTFOUND);
    });

    it("ping() is answered by the gateway's own servant", async () => {
      const { url, gw, backEnd } = await rig(serverName);
      const c = newClient(url);
      await expect(
        c.rpc.call({ ifidx: 1, opidx: 0, paramsize: 0, params: new Uint8Array(0), mode: 'twoway' }),
      ).resolves.toMatchObject({ errcode: 0, ifidx: 1 });
      expect(gw.counters().servedLocally).toBe(1);
      expect(backEnd!.traffic).toEqual([]);
    });
  });
}

describe('error RETURNs without routing info (spec §1.5, §9.2 item 11)', () => {
  it('reach the client that made the call, as a Python back end would send them', async () => {
    const { c, url, gw } = await rig('gwserver', { backEnd: false });
    const a = newClient(url);
    const b = newClient(url);
    await a.rpc.connect();
    await b.rpc.connect();
    const call = a.server.echo('never served', { timeout: 10_000 });
    await until(
      () => gw.counters().callsAwaitingReply === 1,
      5_000,
      () => 'the forwarded call',
    );
    // Python's _doError: sequence, errcode, nothing else (V4); the first call of a client has sequence 1.
    await admin.publishRaw(
      { name: c.node('mq_gateway'), type: 'queue', durable: true, create: 'always', subject: '' },
      encodeBody(rpcMessage({ sequence: 1, calltype: CallType.RETURN, errcode: ErrorCode.REMOTEMETHOD_EXCEPTION })),
    );
    const error = await call.catch((e: unknown) => e);
    expect((error as RpcError).code).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    expect(gw.counters().callsAwaitingReply).toBe(0);
    expect(b.pushes).toEqual([]);
  });
});

const encodeBody = (m: RpcMessage): Uint8Array => encodeFrame(m).subarray(14);

describe('two gateways on one broker', () => {
  it('a push on the broadcast topic reaches the user on whichever gateway holds the connection; the other drops it', async () => {
    const c = newCluster({ useridCheck: true });
    track(await startBackEnd(c, { broadcast: true }));
    const tcp = track(await gateway(c, 'gwserver'));
    const ws = track(await gateway(c, 'gwserver_ws'));
    const alice = newClient(urlOf(tcp), { token: 'alice' });
    const bob = newClient(urlOf(ws), { token: 'bob' });
    await bob.server.echo('here');
    // Directly through mq_gateway, and on the broadcast topic that both gateways read.
    await alice.server.bidirection();
    await until(
      () => alice.pushes.length === 2,
      5_000,
      () => `alice's pushes: ${JSON.stringify(alice.pushes)}`,
    );
    await until(
      () => ws.counters().drops['user-not-here'] === 1,
      5_000,
      () => 'the drop at the other gateway',
    );
    expect(alice.pushes.sort()).toEqual([PUSH_MESSAGE, BROADCAST_PUSH_MESSAGE].sort());
    expect(bob.pushes).toEqual([]);
    expect(tcp.counters().drops['user-not-here']).toBe(0);
  });
});

describe('the back ends', () => {
  it('two instances on mq_server share the load (competing consumers)', async () => {
    const { c, url } = await rig('gwserver');
    const second = track(await startBackEnd(c, { name: 'tce-test-backend-2' }));
    const first = running.find((r): r is BackEnd => 'traffic' in r && r !== second)!;
    const cl = newClient(url);
    await Promise.all(Array.from({ length: 40 }, (_, i) => cl.server.echo(`n${i}`)));
    const served = [first, second].map((b) => callsSeen(b, 'echo').length);
    expect(served[0]! + served[1]!).toBe(40);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
  });

  it('requests published while no back end runs are served once one starts, within the caller’s timeout', async () => {
    const { c, url } = await rig('gwserver', { backEnd: false });
    const cl = newClient(url);
    const replies = Promise.all([
      cl.server.echo('early 1', { timeout: 15_000 }),
      cl.server.echo('early 2', { timeout: 15_000 }),
    ]);
    await expect.poll(() => admin.queueDepth(c.node('mq_server'))).toBe(2);
    track(await startBackEnd(c));
    await expect(replies).resolves.toEqual(['Yah! early 1', 'Yah! early 2']);
  });
});

describe('clients', () => {
  it("the browser's pattern works: each frame sent as a header message and a body message", async () => {
    const { url } = await rig('gwserver_ws');
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const parser = new FrameParser();
    const replies: RpcMessage[] = [];
    ws.on('message', (data: Buffer) => {
      for (const payload of parser.push(new Uint8Array(data))) replies.push(decodeMessage(payload));
    });
    const frame = encodeFrame(
      rpcMessage({
        sequence: 0,
        calltype: 0x41,
        ifidx: 2,
        opidx: 0,
        paramsize: 1,
        params: new ByteWriter().string('from a browser').finish(),
      }),
    );
    ws.send(frame.subarray(0, 14));
    ws.send(frame.subarray(14));
    await until(
      () => replies.length === 1,
      5_000,
      () => 'the reply',
    );
    expect(replies[0]).toMatchObject({ sequence: 0, calltype: CallType.RETURN, errcode: 0 });
    expect(new ByteReader(replies[0]!.params).string()).toBe('Yah! from a browser');
    ws.close();
  });

  it('userid_check: a connection without __token__ is refused; with one, the token is the user id', async () => {
    const { url, backEnd, gw } = await rig('gwserver', { useridCheck: true });
    const anonymous = newClient(url);
    const refused = await anonymous.server.echo('who am I', { timeout: 5_000 }).catch((e: unknown) => e);
    expect((refused as RpcError).code).toBe(ErrorCode.CONNECTION_LOST);
    const alice = newClient(url, { token: 'alice' });
    await expect(alice.server.echo('hi')).resolves.toBe('Yah! hi');
    expect(callsSeen(backEnd!, 'echo').map((m) => m.extra['__user_id__'])).toEqual(['alice']);
    expect(gw.counters()).toMatchObject({ connectionsRefused: 1, drops: expect.objectContaining({ unauthorized: 1 }) });
  });

  it('a malformed frame closes only that connection', async () => {
    const { url, gw } = await rig('gwserver');
    const good = newClient(url);
    await good.server.echo('before');
    const { port } = new URL(url);
    const bad = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => bad.once('connect', resolve));
    const closed = new Promise((resolve) => bad.once('close', resolve));
    bad.write(Buffer.from('GET / HTTP/1.1\r\n\r\n-- definitely not TCE --'));
    await closed;
    await expect(good.server.echo('after')).resolves.toBe('Yah! after');
    expect(gw.counters().drops['decode-error']).toBe(1);
  });

  it('a client that stops reading is dropped when its backlog overflows; others keep getting their pushes', async () => {
    const c = newCluster();
    track(await startBackEnd(c));
    const gw = track(await gateway(c, 'gwserver', { stream: { maxWriteBuffer: 256 * 1024 } }));
    const { port } = new URL(urlOf(gw));
    // User 1: connects, never reads.
    const stuck = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => stuck.once('connect', resolve));
    stuck.pause();
    const closed = new Promise((resolve) => stuck.once('close', resolve));
    const fine = newClient(urlOf(gw));
    await fine.server.echo('I am user 2');
    const big = new ByteWriter().string('x'.repeat(64 * 1024)).finish();
    const push = (user: string) =>
      encodeBody(
        rpcMessage({
          sequence: 1,
          calltype: 0x21,
          ifidx: 3,
          opidx: 0,
          paramsize: 1,
          extra: { __user_id__: user },
          params: big,
        }),
      );
    const queue = {
      name: c.node('mq_gateway'),
      type: 'queue' as const,
      durable: true,
      create: 'always' as const,
      subject: '',
    };
    for (let i = 0; i < 400; i++) await admin.publishRaw(queue, push('1'));
    await admin.publishRaw(queue, push('2'));
    await until(
      () => fine.pushes.length === 1,
      10_000,
      () => 'the push to the client that reads',
    );
    await until(
      () => gw.counters().drops.overflow === 1,
      10_000,
      () => `the overflow (${JSON.stringify(gw.counters())})`,
    );
    // A paused socket sees the close once it reads again.
    stuck.resume();
    await closed;
  });
});

describe('shutdown', () => {
  it('close() waits for replies to forwarded calls before closing connections', async () => {
    const { url, gw } = await rig('gwserver');
    const cl = newClient(url);
    await cl.server.echo('connected');
    const events: GatewayEvent[] = [];
    gw.events.subscribe((e) => events.push(e));
    const slow = cl.server.timeout(1, { timeout: 5_000 });
    await until(
      () => gw.counters().callsAwaitingReply === 1,
      5_000,
      () => 'the forwarded call',
    );
    await gw.close();
    await expect(slow).resolves.toBeUndefined();
    const kinds = events.map((e) => (e.type === 'message' ? `${e.direction}:${e.outcome.kind}` : e.type));
    expect(kinds.slice(-3)).toEqual(['in:forwarded', 'out:delivered', 'connection-close']);
  });

  it('refuses new connections while closing', async () => {
    const { url, gw } = await rig('gwserver');
    await gw.close();
    const late = newClient(url);
    await expect(late.server.echo('too late', { timeout: 2_000 })).rejects.toBeInstanceOf(RpcError);
  });
});
