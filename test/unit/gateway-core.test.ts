// The gateway's routing core (spec §7.3, §7.4) on the cluster example's services.xml, with the
// in-memory broker and in-process client connections; test/integration/gateway-*.test.ts
// runs the same over real sockets and RabbitMQ.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayCore, type Authenticate, type MqSide } from '../../electron/gateway/core.js';
import { GatewayMonitor, type GatewayEvent, type GatewayMessageEvent } from '../../electron/gateway/events.js';
import type { ForwardedCallsOptions } from '../../electron/gateway/forwarded-calls.js';
import { MqLink } from '../../electron/gateway/mq-link.js';
import { planGateway, type GatewayPlan, type StreamEndpointPlan } from '../../electron/gateway/plan.js';
import { createMemoryBroker, type MemoryBroker } from '../../electron/transports/memory.js';
import { parseServicesXml } from '../../shared/project/index.js';
import type {
  CloseReason,
  ConnectionEvents,
  MessageConnection,
  MqAddress,
  MqWriter,
  OnConfirm,
} from '../../shared/rpc/connection.js';
import { ByteReader, ByteWriter } from '../../shared/wire/bytes.js';
import { CallType, decodeMessage, encodeMessage, rpcMessage, type RpcMessage } from '../../shared/wire/message.js';
import { toHex } from '../support/hex.js';
import { V5 } from '../support/spec-vectors.js';
import type { Log } from '../../shared/log.js';

const CLUSTER = readFileSync(new URL('../../idl-samples/cluster/services.xml', import.meta.url), 'utf8');

function services(edit: (xml: string) => string = (x) => x) {
  const parsed = parseServicesXml({ path: 'services.xml', text: edit(CLUSTER) });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return parsed.services;
}

const queue = (name: string): MqAddress => ({ name, type: 'queue', durable: true, create: 'always', subject: '' });
const topic = (name: string): MqAddress => ({ name, type: 'topic', durable: true, create: 'always', subject: '' });

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

let nextId = 1;

/** A client connection inside the process: what the gateway sends is decoded into `received`. */
class TestConnection implements MessageConnection {
  readonly id = nextId++;
  readonly transport = 'tcp' as const;
  readonly remote = `tcp://127.0.0.1:${40000 + this.id}`;
  readonly received: RpcMessage[] = [];
  closedWith: CloseReason | undefined;
  private events: ConnectionEvents | undefined;

  get isOpen(): boolean {
    return this.closedWith === undefined;
  }
  send(message: RpcMessage): boolean {
    if (!this.isOpen) return false;
    this.received.push(decodeMessage(encodeMessage(message)));
    return true;
  }
  close(reason = 'closed by this side'): void {
    this.end({ kind: 'local', message: reason });
  }
  listen(events: ConnectionEvents): void {
    this.events = events;
  }
  /** The client sends a message. */
  write(message: RpcMessage): void {
    const raw = encodeMessage(message);
    this.events!.message(decodeMessage(raw), raw);
  }
  end(reason: CloseReason): void {
    if (!this.isOpen) return;
    this.closedWith = reason;
    this.events?.close(reason);
  }
}

interface Rig {
  plan: GatewayPlan;
  core: GatewayCore;
  broker: MemoryBroker;
  monitor: GatewayMonitor;
  logs: string[];
  connect(endpoint?: string): TestConnection;
  /** Everything published to a queue, in order. */
  tap(address: MqAddress): Promise<RpcMessage[]>;
  publish(address: MqAddress, message: RpcMessage): Promise<void>;
}

async function rig(
  options: {
    server?: string;
    xml?: (x: string) => string;
    authenticate?: Authenticate;
    brokerDown?: boolean;
    forwardedCalls?: ForwardedCallsOptions;
  } = {},
): Promise<Rig> {
  const planned = planGateway(services(options.xml), options.server ?? 'gwserver');
  if (!planned.ok) throw new Error(planned.message);
  const plan = planned.plan;
  const broker = createMemoryBroker({ log: () => undefined });
  const monitor = new GatewayMonitor();
  const logs: string[] = [];
  const log: Log = (_level, line) => void logs.push(line);
  const link = new MqLink({ plan, log, onMessage: (p, m, raw) => core.fromQueue(p, m, raw) });
  const mq = options.brokerDown
    ? { writer: (): MqWriter | undefined => undefined, replyWriter: async () => undefined }
    : link;
  const core = new GatewayCore({
    name: options.server ?? 'gwserver',
    plan,
    mq,
    monitor,
    log,
    authenticate: options.authenticate,
    forwardedCalls: options.forwardedCalls,
  });
  if (!options.brokerDown) await link.use(broker);
  return {
    plan,
    core,
    broker,
    monitor,
    logs,
    connect(endpoint) {
      const listener = plan.listeners.find(
        (l) => endpoint === undefined || l.endpoint.name === endpoint,
      ) as StreamEndpointPlan;
      const connection = new TestConnection();
      core.accept(listener, connection);
      return connection;
    },
    async tap(address) {
      const reader = await broker.openReader(address);
      const got: RpcMessage[] = [];
      reader.listen((m) => got.push(m));
      return got;
    },
    async publish(address, message) {
      (await broker.openWriter(address)).send(message);
    },
  };
}

const echo = (sequence: number, extra: Record<string, string> = {}, calltype: number = CallType.CALL): RpcMessage =>
  rpcMessage({
    sequence,
    calltype,
    ifidx: 2,
    opidx: 0,
    paramsize: 1,
    extra,
    params: new ByteWriter().string('hello').finish(),
  });
const onMessage = (userId: string, text: string): RpcMessage =>
  rpcMessage({
    sequence: 99,
    calltype: CallType.CALL | CallType.ONEWAY,
    ifidx: 3,
    opidx: 0,
    paramsize: 1,
    extra: { __user_id__: userId },
    params: new ByteWriter().string(text).finish(),
  });
const reply = (call: RpcMessage, extra: Record<string, string> = call.extra): RpcMessage =>
  rpcMessage({
    sequence: call.sequence,
    calltype: CallType.RETURN,
    ifidx: call.ifidx,
    opidx: call.opidx,
    callId: call.callId,
    extra,
    params: new ByteWriter().string('Yah! hello').finish(),
  });
const text = (m: RpcMessage): string => new ByteReader(m.params).string();

describe('gateway core: CALLs from clients (spec §7.3 CALL)', () => {
  it('forwards a client CALL to mq_server exactly as spec vector V5', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const client = r.connect();
    // V1: echo("hello"), extra {name: scott.bo}, sequence 1.
    client.write(echo(1, { name: 'scott.bo' }));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    expect(toHex(encodeMessage(backEnd[0]!))).toBe(toHex(V5));
    expect(r.core.awaitingReplies).toBe(1);
    expect(r.monitor.counts.callsForwarded).toBe(1);
  });

  it("overwrites a client's own __user_id__ with its connection's, and numbers connections 1, 2, …", async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const first = r.connect();
    const second = r.connect();
    second.write(echo(5, { __user_id__: '1' }));
    first.write(echo(5, { __user_id__: 'admin' }));
    await expect.poll(() => backEnd.length === 2).toBe(true);
    expect(backEnd.map((m) => m.extra['__user_id__'])).toEqual(['2', '1']);
  });

  it('does not remember one-way calls (no reply will come)', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    r.connect().write(echo(3, {}, CallType.CALL | CallType.ONEWAY));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    expect(backEnd[0]!.calltype).toBe(0x21);
    expect(backEnd[0]!.callId).toBe(0x8000);
    expect(r.core.awaitingReplies).toBe(0);
  });

  it('answers a two-way CALL without a route with error 4 at once; a one-way one is only counted', async () => {
    const r = await rig();
    const client = r.connect();
    // ITerminal (3) is routed from the queues to clients only; 9 is not in InterfaceDef at all.
    client.write(rpcMessage({ sequence: 4, ifidx: 3, opidx: 0 }));
    client.write(rpcMessage({ sequence: 5, ifidx: 9, opidx: 0 }));
    client.write(rpcMessage({ sequence: 6, ifidx: 9, opidx: 0, calltype: 0x21 }));
    expect(client.received.map((m) => [m.sequence, m.calltype, m.errcode])).toEqual([
      [4, CallType.RETURN, 4],
      [5, CallType.RETURN, 4],
    ]);
    expect(r.monitor.drops['no-route']).toBe(3);
  });

  it('fails a two-way CALL with error 1 at once while the broker is unreachable', async () => {
    const r = await rig({ brokerDown: true });
    const client = r.connect();
    client.write(echo(8));
    expect(client.received).toEqual([expect.objectContaining({ sequence: 8, calltype: CallType.RETURN, errcode: 1 })]);
    expect(r.monitor.drops['send-failed']).toBe(1);
    expect(r.core.awaitingReplies).toBe(0);
  });

  it('answers every call awaiting a RETURN with error 1 when the broker link drops; a RETURN after that reaches nobody', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const one = r.connect();
    const two = r.connect();
    one.write(echo(1));
    two.write(echo(1));
    two.write(echo(2));
    await expect.poll(() => backEnd.length === 3).toBe(true);
    r.core.brokerLost('reconnecting: ECONNRESET');
    expect(one.received.map((m) => [m.sequence, m.errcode, m.extra['__user_id__']])).toEqual([[1, 1, '1']]);
    expect(two.received.map((m) => [m.sequence, m.errcode, m.extra['__user_id__']])).toEqual([
      [1, 1, '2'],
      [2, 1, '2'],
    ]);
    expect(r.core.awaitingReplies).toBe(0);
    expect(r.logs).toContain(
      'the broker link is down (reconnecting: ECONNRESET): 3 call(s) awaiting a RETURN answered with error 1',
    );
    await r.publish(queue('mq_gateway'), reply(backEnd[0]!));
    await expect.poll(() => r.monitor.drops.expired === 1).toBe(true);
    expect(one.received).toHaveLength(1);
  });

  it('answers a call the broker did not confirm with error 1, once', async () => {
    const r = await rig();
    let confirm: OnConfirm | undefined;
    const nacking: MqSide = {
      writer: () => ({ address: queue('mq_server'), send: (_m, confirmed) => ((confirm = confirmed), true) }),
      replyWriter: async () => undefined,
    };
    const core = new GatewayCore({
      name: 'gwserver',
      plan: r.plan,
      mq: nacking,
      monitor: new GatewayMonitor(),
      log: () => undefined,
    });
    const client = new TestConnection();
    core.accept(r.plan.listeners[0]!, client);
    client.write(echo(5));
    expect(core.awaitingReplies).toBe(1);
    confirm!({ ok: false, reason: 'channel closed' });
    confirm!({ ok: false, reason: 'channel closed' });
    expect(client.received.map((m) => [m.sequence, m.errcode])).toEqual([[5, 1]]);
    expect(core.awaitingReplies).toBe(0);
  });

  it('answers a call it stops waiting for with error 2, and drops its late RETURN', async () => {
    let t = 0;
    const r = await rig({ forwardedCalls: { ttlMs: 1_000, max: 2, now: () => t } });
    const backEnd = await r.tap(queue('mq_server'));
    const client = r.connect();
    for (const sequence of [1, 2, 3]) client.write(echo(sequence));
    await expect.poll(() => backEnd.length === 3).toBe(true);
    // The table holds two: call 1 was given up on to make room for call 3.
    expect(client.received.map((m) => [m.sequence, m.calltype, m.errcode, m.extra['__user_id__']])).toEqual([
      [1, CallType.RETURN, 2, '1'],
    ]);
    t = 1_500;
    r.core.sweep();
    expect(client.received.map((m) => [m.sequence, m.errcode])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(r.monitor.counts.callsFailed).toBe(3);
    await r.publish(queue('mq_gateway'), reply(backEnd[1]!));
    await expect.poll(() => r.monitor.drops.expired === 1).toBe(true);
    expect(client.received).toHaveLength(3);
  });
});

describe('gateway core: RETURNs and pushes from queues', () => {
  it('routes a RETURN by ifidx, incoming endpoint and __user_id__ to that client only', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const one = r.connect();
    const two = r.connect();
    one.write(echo(1));
    two.write(echo(1));
    await expect.poll(() => backEnd.length === 2).toBe(true);
    await r.publish(queue('mq_gateway'), reply(backEnd[1]!));
    await expect.poll(() => two.received.length === 1).toBe(true);
    await settle();
    expect(one.received).toEqual([]);
    expect(two.received[0]).toMatchObject({ sequence: 1, calltype: CallType.RETURN, errcode: 0, callId: 0x8000 });
    expect(text(two.received[0]!)).toBe('Yah! hello');
    expect(r.core.awaitingReplies).toBe(1);
    expect(r.monitor.counts.returnsDelivered).toBe(1);
  });

  it('delivers one RETURN per call: a second one (a back end served a redelivered call again) reaches nobody', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const client = r.connect();
    client.write(echo(1));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    await r.publish(queue('mq_gateway'), reply(backEnd[0]!));
    await r.publish(queue('mq_gateway'), reply(backEnd[0]!));
    await expect.poll(() => r.monitor.drops.expired === 1).toBe(true);
    expect(client.received.map((m) => [m.sequence, m.errcode])).toEqual([[1, 0]]);
  });

  it('does not hand a RETURN of a call it never forwarded to whoever has that user id now (a RETURN from before a restart)', async () => {
    const r = await rig();
    const client = r.connect(); // user "1", as the client of the previous gateway process was
    const forwardedBefore = { ...echo(1, { __user_id__: '1' }), callId: 0x8000 };
    await r.publish(queue('mq_gateway'), reply(forwardedBefore));
    await expect.poll(() => r.monitor.drops.expired === 1).toBe(true);
    expect(client.received).toEqual([]);
  });

  it('delivers an error RETURN without call_id and __user_id__ (spec V4) to the client whose call it answers', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const one = r.connect();
    const two = r.connect();
    one.write(echo(7));
    two.write(echo(8));
    await expect.poll(() => backEnd.length === 2).toBe(true);
    await r.publish(queue('mq_gateway'), rpcMessage({ sequence: 7, calltype: CallType.RETURN, errcode: 4 }));
    await expect.poll(() => one.received.length === 1).toBe(true);
    expect(one.received[0]).toMatchObject({ sequence: 7, errcode: 4 });
    expect(two.received).toEqual([]);
    expect(r.core.awaitingReplies).toBe(1);
  });

  it('drops such a RETURN when two clients wait on its sequence, or when nobody does', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const one = r.connect();
    const two = r.connect();
    one.write(echo(1));
    two.write(echo(1));
    await expect.poll(() => backEnd.length === 2).toBe(true);
    await r.publish(queue('mq_gateway'), rpcMessage({ sequence: 1, calltype: CallType.RETURN, errcode: 6 }));
    await r.publish(queue('mq_gateway'), rpcMessage({ sequence: 42, calltype: CallType.RETURN, errcode: 6 }));
    await expect.poll(() => r.monitor.drops.ambiguous === 1 && r.monitor.drops.expired === 1).toBe(true);
    expect([...one.received, ...two.received]).toEqual([]);
  });

  it('delivers a push to the user named by __user_id__ and only to that user', async () => {
    const r = await rig();
    const one = r.connect();
    const two = r.connect();
    await r.publish(queue('mq_gateway'), onMessage('2', 'for two'));
    await r.publish(queue('mq_gateway'), onMessage('1', 'for one'));
    await expect.poll(() => one.received.length === 1 && two.received.length === 1).toBe(true);
    expect(text(one.received[0]!)).toBe('for one');
    expect(text(two.received[0]!)).toBe('for two');
    expect(one.received[0]!.callId).toBe(0x8000);
    expect(r.monitor.counts.pushesDelivered).toBe(2);
  });

  it('drops a queued push for an unknown user as unknown-user, a broadcast one as user-not-here', async () => {
    const r = await rig();
    r.connect();
    await r.publish(queue('mq_gateway'), onMessage('77', 'lost'));
    await r.publish(topic('mq_gateway_broadcast'), onMessage('77', 'elsewhere'));
    await r.publish(topic('mq_gateway_broadcast'), onMessage('1', 'here'));
    await expect.poll(() => r.monitor.counts.pushesDelivered === 1).toBe(true);
    expect(r.monitor.drops['unknown-user']).toBe(1);
    expect(r.monitor.drops['user-not-here']).toBe(1);
  });

  it('stops routing to a user whose connection closed, and forgets its forwarded calls', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const one = r.connect();
    one.write(echo(1));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    one.end({ kind: 'remote', message: 'gone' });
    expect(r.core.awaitingReplies).toBe(0);
    await r.publish(queue('mq_gateway'), reply(backEnd[0]!));
    await expect.poll(() => r.monitor.drops['unknown-user'] === 1).toBe(true);
    expect(r.monitor.counts.connectionsOpen).toBe(0);
  });

  it('counts connections closed for protocol errors and overflow', async () => {
    const r = await rig();
    r.connect().end({ kind: 'protocol', message: 'bad magic' });
    r.connect().end({ kind: 'overflow', message: 'too slow' });
    expect(r.monitor.drops['decode-error']).toBe(1);
    expect(r.monitor.drops.overflow).toBe(1);
    expect(r.logs.join('\n')).toMatch(/closed, not TCE: bad magic[\s\S]*closed, too slow: too slow/);
  });
});

describe("gateway core: the gateway's own ITerminalGatewayServer", () => {
  it('answers ping() from a client', async () => {
    const r = await rig();
    const client = r.connect();
    client.write(rpcMessage({ sequence: 3, ifidx: 1, opidx: 0 }));
    expect(client.received).toEqual([
      expect.objectContaining({ sequence: 3, calltype: CallType.RETURN, ifidx: 1, errcode: 0 }),
    ]);
    client.write(rpcMessage({ sequence: 4, ifidx: 1, opidx: 5 }));
    expect(client.received[1]).toMatchObject({ sequence: 4, errcode: 4 });
    expect(r.monitor.counts.servedLocally).toBe(2);
  });

  it('answers ping() from a back end over a listen queue, to the queue named by __mq_return__', async () => {
    const r = await rig();
    await r.publish(
      queue('mq_gateway'),
      rpcMessage({ sequence: 11, ifidx: 1, opidx: 0, extra: { __mq_return__: 'mq_server' } }),
    );
    // mq_server is the endpoint named; its queue is what the back end reads.
    const backEnd = await r.tap(queue('mq_server'));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    expect(backEnd[0]).toMatchObject({ sequence: 11, calltype: CallType.RETURN, ifidx: 1 });
    expect(r.monitor.counts.servedLocally).toBe(1);
  });
});

describe('gateway core: user ids from __token__ (userid_check)', () => {
  const check = (xml: string): string =>
    xml.replace(/name="userid_check" value="false"/g, 'name="userid_check" value="true"');

  it('refuses a connection whose first message has no __token__, with a log line', async () => {
    const r = await rig({ xml: check });
    const backEnd = await r.tap(queue('mq_server'));
    const client = r.connect();
    client.write(echo(1));
    expect(client.isOpen).toBe(false);
    expect(r.logs).toEqual([
      expect.stringMatching(/socket_gateway tcp:\/\/127\.0\.0\.1:\d+: refused: its first message carries no __token__/),
    ]);
    expect(r.monitor.drops.unauthorized).toBe(1);
    expect(r.monitor.counts.connectionsRefused).toBe(1);
    await settle();
    expect(backEnd).toEqual([]);
  });

  it('takes the token as the user id by default', async () => {
    const r = await rig({ xml: check });
    const backEnd = await r.tap(queue('mq_server'));
    const client = r.connect();
    client.write(echo(1, { __token__: 'alice', __user_id__: 'mallory' }));
    client.write(echo(2));
    await expect.poll(() => backEnd.length === 2).toBe(true);
    expect(backEnd.map((m) => m.extra['__user_id__'])).toEqual(['alice', 'alice']);
    await r.publish(queue('mq_gateway'), onMessage('alice', 'hi alice'));
    await expect.poll(() => client.received.length === 1).toBe(true);
  });

  it('uses a pluggable, possibly asynchronous check; messages sent meanwhile wait in order', async () => {
    const r = await rig({
      xml: check,
      authenticate: async (token) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        return token === 'secret-of-bob' ? 'bob' : undefined;
      },
    });
    const backEnd = await r.tap(queue('mq_server'));
    const bob = r.connect();
    bob.write(echo(1, { __token__: 'secret-of-bob' }));
    bob.write(echo(2));
    const eve = r.connect();
    eve.write(echo(1, { __token__: 'guess' }));
    await expect.poll(() => backEnd.length === 2 && !eve.isOpen).toBe(true);
    expect(backEnd.map((m) => [m.sequence, m.extra['__user_id__']])).toEqual([
      [1, 'bob'],
      [2, 'bob'],
    ]);
    expect(r.logs).toEqual([expect.stringMatching(/refused: its token was refused/)]);
  });

  it('gives a user id to the last connection that claims it; the older one closing does not unbind it', async () => {
    const r = await rig({ xml: check });
    const old = r.connect();
    old.write(rpcMessage({ sequence: 1, ifidx: 1, extra: { __token__: 'carol' } }));
    const fresh = r.connect();
    fresh.write(rpcMessage({ sequence: 1, ifidx: 1, extra: { __token__: 'carol' } }));
    old.close();
    await r.publish(queue('mq_gateway'), onMessage('carol', 'to the latest'));
    await expect.poll(() => fresh.received.length === 2).toBe(true);
    expect(text(fresh.received[1]!)).toBe('to the latest');
  });
});

describe('gateway core: user online/offline events (extra_mqs outs)', () => {
  const withMessageServer = (xml: string): string =>
    xml.replace(
      '<if id="3" name="test.ITerminal"/>',
      '<if id="3" name="test.ITerminal"/>\n<if id="4" name="test.IMessageServer"/>',
    );

  it('publishes IMessageServer.onUserOnLine / onUserOffLine(userId, gatewayName) one-way when connections come and go', async () => {
    const r = await rig({ xml: withMessageServer });
    const events = await r.tap(topic('mq_user_event_listener'));
    const client = r.connect();
    client.close();
    await expect.poll(() => events.length === 2).toBe(true);
    const decoded = events.map((m) => {
      const p = new ByteReader(m.params);
      return { ifidx: m.ifidx, opidx: m.opidx, calltype: m.calltype, args: [p.string(), p.string()] };
    });
    expect(decoded).toEqual([
      { ifidx: 4, opidx: 0, calltype: 0x21, args: ['1', 'gwserver'] },
      { ifidx: 4, opidx: 1, calltype: 0x21, args: ['1', 'gwserver'] },
    ]);
  });

  it('publishes nothing, and says why, without IMessageServer in InterfaceDef', async () => {
    const r = await rig();
    expect(r.plan.userEvents).toBeUndefined();
    expect(r.plan.notes).toEqual([
      expect.stringMatching(/extra_mqs outs mq_user_event_listener: no IMessageServer in <InterfaceDef>/),
    ]);
  });
});

describe('gateway core: the event stream', () => {
  it('shows each message as it arrived, then what was sent, with the outcome', async () => {
    const r = await rig();
    const backEnd = await r.tap(queue('mq_server'));
    const events: GatewayEvent[] = [];
    r.monitor.subscribe((e) => events.push(e));
    const client = r.connect();
    client.write(echo(1, { name: 'scott.bo' }));
    await expect.poll(() => backEnd.length === 1).toBe(true);
    await r.publish(queue('mq_gateway'), reply(backEnd[0]!));
    await r.publish(topic('mq_gateway_broadcast'), onMessage('9', 'elsewhere'));
    await expect.poll(() => events.filter((e) => e.type === 'message').length === 5).toBe(true);
    const messages = events.filter((e): e is GatewayMessageEvent => e.type === 'message');
    expect(events[0]).toMatchObject({
      type: 'connection-open',
      endpoint: 'socket_gateway',
      endpointKind: 'socket',
      userId: '1',
    });
    expect(messages.map((e) => [e.direction, e.endpoint, e.endpointKind, e.outcome.kind])).toEqual([
      ['in', 'socket_gateway', 'socket', 'forwarded'],
      ['out', 'mq_server', 'mq', 'published'],
      ['in', 'mq_gateway', 'mq', 'forwarded'],
      ['out', 'socket_gateway', 'socket', 'delivered'],
      ['in', 'mq_gateway_broadcast', 'mq', 'dropped'],
    ]);
    const [callIn, callOut] = messages;
    // In: as the client sent it; out: stamped.
    expect(callIn).toMatchObject({
      hop: 'gateway',
      userId: '1',
      header: { sequence: 1, callId: 0, ifidx: 2 },
      extra: { name: 'scott.bo' },
      outcome: { kind: 'forwarded', to: 'mq_server', toKind: 'mq', toPeer: 'queue mq_server' },
    });
    expect(callIn!.peer).toBe(client.remote);
    expect(callIn!.size).toBe(50);
    expect(callIn!.truncated).toBe(false);
    expect(callOut).toMatchObject({
      peer: 'queue mq_server',
      header: { callId: 0x8000 },
      extra: { name: 'scott.bo', __user_id__: '1', __mq_return__: 'mq_gateway' },
      size: 101,
    });
    expect(messages[4]!.outcome).toEqual({
      kind: 'dropped',
      reason: 'user-not-here',
      detail: 'user 9 is not connected to socket_gateway here',
    });
  });

  it('keeps at most 64 KiB of a message', async () => {
    const r = await rig();
    const events: GatewayMessageEvent[] = [];
    r.monitor.subscribe((e) => e.type === 'message' && events.push(e));
    const big = new ByteWriter().string('x'.repeat(100_000)).finish();
    r.connect().write(rpcMessage({ sequence: 1, ifidx: 2, opidx: 0, params: big }));
    await expect.poll(() => events.length === 2).toBe(true);
    expect(events[0]!.size).toBe(21 + big.length);
    expect(events[0]!.raw.length).toBe(64 * 1024);
    expect(events[0]!.truncated).toBe(true);
  });
});

describe('gateway plan', () => {
  it('opens what the cluster example says for gwserver and gwserver_ws', () => {
    const s = services();
    const plan = planGateway(s, 'gwserver');
    if (!plan.ok) throw new Error(plan.message);
    const names = (list: { endpoint: { name: string } }[]) => list.map((e) => e.endpoint.name);
    expect(names(plan.plan.listeners)).toEqual(['socket_gateway']);
    expect(names(plan.plan.readers)).toEqual(['mq_gateway', 'mq_gateway_broadcast']);
    expect(names(plan.plan.writers)).toEqual(['mq_server', 'mq_user_event_listener']);
    expect(plan.plan.gatewayIfidx).toBe(1);
    expect(plan.plan.loopbacks).toEqual(new Map([['mq_server', 'mq_gateway']]));
    const ws = planGateway(s, 'gwserver_ws');
    if (!ws.ok) throw new Error(ws.message);
    expect(names(ws.plan.listeners)).toEqual(['websocket_gateway']);
    expect(ws.plan.listeners[0]!.kind).toBe('websocket');
    expect(names(ws.plan.readers)).toEqual(['mq_gateway_ws', 'mq_gateway_broadcast']);
  });

  it('names the servers there are when asked for one that is not', () => {
    expect(planGateway(services(), 'gwsrever')).toEqual({
      ok: false,
      message: 'services.xml: no <server name="gwsrever">; the servers are: gwserver, gwserver_ws',
    });
  });
});
