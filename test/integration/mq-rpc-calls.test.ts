// RPC over message queues (spec §3.4), one behaviour on two brokers: RabbitMQ through amqplib
// and the in-memory sandbox broker. A "gateway" side calls through MqCallTarget with its reply
// queue (MqReplies); a back end serves with MqAdapter and answers by `__mq_return__`.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { createMemoryBroker } from '../../electron/transports/memory.js';
import { ITerminalProxy, ServerProxy, ServerServant } from '../../electron/sample-server/generated/test.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { OutgoingCall } from '../../shared/rpc/call.js';
import type { Broker, MqAddress } from '../../shared/rpc/connection.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { MqAdapter, callbackTarget } from '../../shared/rpc/mq-adapter.js';
import { MqCallTarget } from '../../shared/rpc/mq-call-target.js';
import { MqReplies, openPrivateReplies } from '../../shared/rpc/mq-replies.js';
import type { MqTrafficEvent } from '../../shared/rpc/mq-traffic.js';
import { MqWriters, pushTarget } from '../../shared/rpc/mq-writers.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import { ByteReader } from '../../shared/wire/bytes.js';
import { CALL_ID_FORWARDED, CallType, ExtraKey, rpcMessage, type RpcMessage } from '../../shared/wire/message.js';
import { PROBE_IFIDX, probeTable } from '../support/rpc-fixtures.js';
import {
  RABBIT_URL,
  RabbitAdmin,
  collect,
  queueAddress,
  rabbitmqctl,
  suffix,
  topicAddress,
  until,
} from '../../support/mq-kit.js';
import type { Log } from '../../shared/log.js';

/** The cluster example's back end, recording what it saw; bidirection pushes back through the gateway. */
class RecordingServer extends ServerServant {
  readonly calls: { op: string; ctx: CallContext; args: unknown[] }[] = [];
  constructor(readonly label = 'a') {
    super();
  }
  echo(text: string, ctx: CallContext): string {
    this.calls.push({ op: 'echo', ctx, args: [text] });
    if (ctx.extra['reply-with'] !== undefined) ctx.replyExtra['answer'] = ctx.extra['reply-with'];
    return 'Yah! ' + text;
  }
  private readonly sleepers = new Set<() => void>();
  /** Sleeps `secs`, or until the test ends (wake): a call held past a broker restart never outlives its test. */
  async timeout(secs: number, ctx: CallContext): Promise<void> {
    this.calls.push({ op: 'timeout', ctx, args: [secs] });
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, secs * 1000);
      this.sleepers.add(wake);
    });
  }
  wake(): void {
    for (const wake of this.sleepers) wake();
  }
  heartbeat(hello: string, ctx: CallContext): void {
    this.calls.push({ op: 'heartbeat', ctx, args: [hello] });
  }
  bidirection(ctx: CallContext): void {
    this.calls.push({ op: 'bidirection', ctx, args: [] });
    new ITerminalProxy(callbackTarget(ctx)).onMessageOneway('server push message!');
  }
  datetime(ctx: CallContext): string {
    this.calls.push({ op: 'datetime', ctx, args: [] });
    return 'now';
  }
}

interface Subject {
  name: 'memory' | 'amqp';
  open(connectionName: string, log: Log): Promise<Broker>;
}

const subjects: Subject[] = [
  { name: 'memory', open: async (_name, log) => createMemoryBroker({ log }) },
  {
    name: 'amqp',
    open: (connectionName, log) =>
      connectAmqp(RABBIT_URL, { connectionName, log, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } }),
  },
];

let admin: RabbitAdmin;
beforeAll(async () => {
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

/** A collector of MQ traffic events. */
function trafficOf(subscribe: (l: (e: MqTrafficEvent) => void) => () => void): MqTrafficEvent[] {
  const events: MqTrafficEvent[] = [];
  subscribe((e) => events.push(e));
  return events;
}

const rejection = async (p: Promise<unknown>): Promise<RpcError> => {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
};

describe.each(subjects)('RPC over MQ ($name broker)', (subject) => {
  const id = suffix();
  /** Endpoint names as in config.yml; the queues behind them are test-unique and named differently, to show routing is by endpoint name. */
  const q = {
    server: `tce-test-rpc-server-${id}`,
    gateway: `tce-test-rpc-gw-${id}`,
    gatewayWs: `tce-test-rpc-gwws-${id}`,
    broadcast: `tce-test-rpc-bcast-${id}`,
  };
  const queue = (name: string): MqAddress => ({ ...queueAddress(name), durable: false });
  let logs: string[];
  let brokers: Broker[];
  let backEnd: { broker: Broker; servant: RecordingServer; mq: MqAdapter; writers: MqWriters };
  let client: {
    broker: Broker;
    replies: MqReplies;
    target: MqCallTarget;
    server: ServerProxy;
    unmatched: RpcMessage[];
  };

  const openBroker = async (role: string): Promise<Broker> => {
    const broker =
      subject.name === 'memory' && brokers.length > 0
        ? brokers[0]!
        : await subject.open(`tce-test-mq-rpc-${role}-${id}`, (_level, line) => logs.push(line));
    if (!brokers.includes(broker)) brokers.push(broker);
    return broker;
  };

  /** A back end like the sample server's MQ mode: reads `mq_server`, writes `mq_gateway`, `mq_gateway_ws`, the broadcast topic. */
  async function startBackEnd(label = 'a'): Promise<typeof backEnd> {
    const broker = await openBroker(`backend-${label}`);
    const writers = new MqWriters(
      [
        ['mq_gateway', await broker.openWriter(queue(q.gateway))],
        ['mq_gateway_ws', await broker.openWriter(queue(q.gatewayWs))],
        ['mq_gateway_broadcast', await broker.openWriter(topicAddress(q.broadcast))],
      ],
      { direct: await broker.openDirectWriter(), log: (_level, line) => logs.push(line) },
    );
    const servant = new RecordingServer(label);
    const mq = new MqAdapter({
      adapter: new Adapter().add(servant).add(probeTable()),
      writers,
      log: (_level, line) => logs.push(line),
    });
    mq.serve(await broker.openReader(queue(q.server)), 'mq_server');
    return { broker, servant, mq, writers };
  }

  /** A gateway's side: writes `mq_server`, reads replies on `replyQueue` known to the back end as `endpoint`. */
  async function startClient(replyQueue = q.gateway, endpoint = 'mq_gateway'): Promise<typeof client> {
    const broker = await openBroker(`client-${endpoint}`);
    const unmatched: RpcMessage[] = [];
    const replies = new MqReplies(broker, await broker.openReader(queue(replyQueue)), {
      endpoint,
      onUnmatched: (m) => unmatched.push(m),
    });
    const target = new MqCallTarget(await broker.openWriter(queue(q.server)), replies, { endpoint: 'mq_server' });
    return { broker, replies, target, server: new ServerProxy(target), unmatched };
  }

  beforeEach(async () => {
    logs = [];
    brokers = [];
    backEnd = await startBackEnd();
    client = await startClient();
  });

  afterEach(async () => {
    backEnd.servant.wake();
    for (const broker of brokers) await broker.close();
    if (subject.name === 'amqp')
      await admin.remove(
        Object.values(q).filter((n) => n !== q.broadcast),
        [q.broadcast],
      );
  });

  it('two-way call: the RETURN comes back through the reply endpoint named in __mq_return__', async () => {
    const outgoing = trafficOf((l) => client.target.onTraffic(l));
    expect(await client.server.echo('hello', { extra: { name: 'scott.bo' } })).toBe('Yah! hello');
    const [call] = backEnd.servant.calls;
    expect(call!.ctx.extra).toEqual({ name: 'scott.bo', [ExtraKey.mqReturn]: 'mq_gateway' });
    expect(call!.ctx.userId).toBeUndefined();
    expect(call!.ctx.message.calltype).toBe(CallType.CALL);
    expect(outgoing.map((e) => [e.direction, e.endpoint, e.message.sequence])).toEqual([
      ['out', 'mq_server', call!.ctx.message.sequence],
    ]);
    expect(client.replies.inFlight).toBe(0);
  });

  it('async call: calltype 0x41 and the same reply matching; inherited operations keep the base ifidx', async () => {
    expect(await client.server.datetime({ mode: 'async' })).toBe('now');
    const ctx = backEnd.servant.calls[0]!.ctx;
    expect(ctx.message.calltype).toBe(CallType.CALL | CallType.ASYNC);
    expect([ctx.message.ifidx, ctx.message.opidx]).toEqual([0, 0]);
  });

  it('one-way call: served with __mq_return__ but never answered', async () => {
    const incoming = trafficOf((l) => client.replies.onTraffic(l));
    client.server.heartbeatOneway('hi', { extra: { k: 'v' } });
    await until(
      () => backEnd.servant.calls.length === 1,
      5_000,
      () => 'the heartbeat was not served',
    );
    const ctx = backEnd.servant.calls[0]!.ctx;
    expect(ctx.message.calltype).toBe(CallType.CALL | CallType.ONEWAY);
    expect(ctx.extra).toEqual({ k: 'v', [ExtraKey.mqReturn]: 'mq_gateway' });
    // A later two-way call's RETURN is the only message on the reply queue.
    await client.server.echo('after');
    expect(incoming.map((e) => e.message.sequence)).toEqual([backEnd.servant.calls[1]!.ctx.message.sequence]);
  });

  it('extra both ways: __user_id__ is ctx.userId and comes back with call_id; servant reply extra arrives', async () => {
    const incoming = trafficOf((l) => client.replies.onTraffic(l));
    expect(await client.server.echo('x', { extra: { [ExtraKey.userId]: '7', 'reply-with': 'ok' } })).toBe('Yah! x');
    expect(backEnd.servant.calls[0]!.ctx.userId).toBe('7');
    expect(incoming[0]!.message.extra).toEqual({ [ExtraKey.userId]: '7', answer: 'ok' });
  });

  it('a forwarded CALL (spec V5: call_id 0x8000, __user_id__, __mq_return__) gets a RETURN a gateway can route', async () => {
    const writer = await client.broker.openWriter(queue(q.server));
    const params = new Uint8Array([0, 0, 0, 5, 104, 101, 108, 108, 111]);
    const extra = { name: 'scott.bo', [ExtraKey.userId]: '1', [ExtraKey.mqReturn]: 'mq_gateway' };
    expect(
      writer.send(
        rpcMessage({ sequence: 424242, ifidx: 2, opidx: 0, paramsize: 1, callId: CALL_ID_FORWARDED, extra, params }),
      ),
    ).toBe(true);
    await until(
      () => client.unmatched.length === 1,
      5_000,
      () => 'no RETURN arrived',
    );
    const reply = client.unmatched[0]!;
    expect(reply).toMatchObject({
      sequence: 424242,
      calltype: CallType.RETURN,
      ifidx: 2,
      errcode: 0,
      paramsize: 1,
      callId: CALL_ID_FORWARDED,
    });
    expect(reply.extra).toEqual({ [ExtraKey.userId]: '1' });
    expect(new ByteReader(reply.params).string()).toBe('Yah! hello');
  });

  it('timeout: error 2 after the call timeout; the late RETURN is ignored', async () => {
    const started = Date.now();
    const error = await rejection(client.server.timeout(1, { timeout: 200 }));
    expect(error.code).toBe(ErrorCode.TIMEOUT);
    expect(error.message).toMatch(/no reply within 200 ms/);
    expect(Date.now() - started).toBeLessThan(900);
    expect(client.replies.inFlight).toBe(0);
    await until(
      () => client.unmatched.length === 1,
      5_000,
      () => 'the late RETURN did not arrive',
    );
    expect(client.unmatched[0]!.calltype).toBe(CallType.RETURN);
  });

  it('unknown interface: error 4 comes back over MQ', async () => {
    const call: OutgoingCall = {
      ifidx: 77,
      opidx: 0,
      paramsize: 0,
      params: new Uint8Array(0),
      mode: 'twoway',
      timeout: 5_000,
    };
    expect((await rejection(client.target.call(call))).code).toBe(ErrorCode.INTERFACE_NOTFOUND);
  });

  it('a servant that throws (at once or later): error 6 comes back over MQ', async () => {
    for (const opidx of [2, 3]) {
      const call: OutgoingCall = {
        ifidx: PROBE_IFIDX,
        opidx,
        paramsize: 0,
        params: new Uint8Array(0),
        mode: 'twoway',
        timeout: 5_000,
      };
      expect((await rejection(client.target.call(call))).code).toBe(ErrorCode.REMOTEMETHOD_EXCEPTION);
    }
  });

  it('falsy results are answered (unlike the original Python)', async () => {
    const call = (opidx: number): Promise<RpcMessage> =>
      client.target.call({
        ifidx: PROBE_IFIDX,
        opidx,
        paramsize: 0,
        params: new Uint8Array(0),
        mode: 'twoway',
        timeout: 5_000,
      });
    expect(new ByteReader((await call(0)).params).string()).toBe('');
    expect(new ByteReader((await call(1)).params).i32()).toBe(0);
  });

  it('RETURNs are routed by the endpoint name in __mq_return__: two reply endpoints, each gets its own', async () => {
    const ws = await startClient(q.gatewayWs, 'mq_gateway_ws');
    const toGateway = trafficOf((l) => client.replies.onTraffic(l));
    const toGatewayWs = trafficOf((l) => ws.replies.onTraffic(l));
    const [a, b] = await Promise.all([client.server.echo('one'), ws.server.echo('two')]);
    expect([a, b]).toEqual(['Yah! one', 'Yah! two']);
    expect(toGateway.map((e) => new ByteReader(e.message.params).string())).toEqual(['Yah! one']);
    expect(toGatewayWs.map((e) => new ByteReader(e.message.params).string())).toEqual(['Yah! two']);
    expect(toGatewayWs[0]!.endpoint).toBe('mq_gateway_ws');
  });

  it('several call targets share one reply queue: sequences never collide', async () => {
    const second = new MqCallTarget(await client.broker.openWriter(queue(q.server)), client.replies);
    const other = new ServerProxy(second);
    const texts = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const results = await Promise.all(texts.map((t, i) => (i % 2 === 0 ? client.server : other).echo(t)));
    expect(results).toEqual(texts.map((t) => 'Yah! ' + t));
    expect(new Set(backEnd.servant.calls.map((c) => c.ctx.message.sequence)).size).toBe(40);
  });

  it('push helper: bidirection() pushes through the calling gateway with __user_id__; broadcast reaches every topic reader', async () => {
    await client.server.bidirection({ extra: { [ExtraKey.userId]: '5' } });
    await until(
      () => client.unmatched.length === 1,
      5_000,
      () => 'no push arrived',
    );
    const push = client.unmatched[0]!;
    expect(push).toMatchObject({ calltype: CallType.CALL | CallType.ONEWAY, ifidx: 3, opidx: 0, paramsize: 1 });
    expect(push.extra).toEqual({ [ExtraKey.userId]: '5' });
    expect(new ByteReader(push.params).string()).toBe('server push message!');

    const gatewayA = collect(await client.broker.openReader(topicAddress(q.broadcast)));
    const gatewayB = collect(await client.broker.openReader(topicAddress(q.broadcast)));
    const out = trafficOf((l) => backEnd.mq.onTraffic(l));
    new ITerminalProxy(pushTarget(backEnd.writers, 'mq_gateway_broadcast', 'A1002')).onMessageOneway(
      'to A1002, wherever he is',
    );
    await gatewayA.waitFor(1);
    await gatewayB.waitFor(1);
    expect(gatewayA.messages[0]!.extra).toEqual({ [ExtraKey.userId]: 'A1002' });
    expect(out.map((e) => [e.direction, e.endpoint])).toEqual([['out', 'mq_gateway_broadcast']]);
    await expect(
      new ITerminalProxy(pushTarget(backEnd.writers, 'mq_gateway', '1')).onMessage('two-way?'),
    ).rejects.toThrow(/one-way/);
  });

  it('two back ends on one queue share the load (competing consumers)', async () => {
    const second = await startBackEnd('b');
    const texts = Array.from({ length: 40 }, (_, i) => `t${i}`);
    // Sequentially, so the first back end cannot take everything before the second gets a turn.
    for (const t of texts) expect(await client.server.echo(t)).toBe('Yah! ' + t);
    const a = backEnd.servant.calls.length;
    const b = second.servant.calls.length;
    expect(a + b).toBe(40);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it("a private reply queue of the broker's naming: the back end answers by queue name (direct writer), once logged", async () => {
    const replies = await openPrivateReplies(client.broker);
    try {
      expect(replies.endpoint).not.toBe('');
      const server = new ServerProxy(new MqCallTarget(await client.broker.openWriter(queue(q.server)), replies));
      expect(await server.echo('private')).toBe('Yah! private');
      expect(await server.echo('again')).toBe('Yah! again');
      expect(backEnd.servant.calls[0]!.ctx.extra[ExtraKey.mqReturn]).toBe(replies.endpoint);
      expect(logs.filter((l) => l.includes('sending to the queue of that name'))).toHaveLength(1);
    } finally {
      await replies.close();
    }
  });

  it('closing the reply queue fails its waiting calls with 104 at once', async () => {
    const pending = rejection(client.server.timeout(30, { timeout: 10_000 }));
    await until(
      () => backEnd.servant.calls.length === 1,
      5_000,
      () => 'not served',
    );
    await client.replies.close();
    expect((await pending).code).toBe(ErrorCode.CONNECTION_LOST);
    expect((await rejection(client.server.echo('after close'))).code).toBe(ErrorCode.SENDFAILED);
  });

  it('the broker closing fails waiting calls with 104 at once; later sends fail with 1', async () => {
    const pending = rejection(client.server.timeout(30, { timeout: 10_000 }));
    await until(
      () => backEnd.servant.calls.length === 1,
      5_000,
      () => 'not served',
    );
    const started = Date.now();
    await client.broker.close();
    const error = await pending;
    expect(error.code).toBe(ErrorCode.CONNECTION_LOST);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await rejection(client.server.echo('after'))).code).toBe(ErrorCode.SENDFAILED);
    expect(() => client.server.heartbeatOneway('after')).toThrow(RpcError);
  });

  it.runIf(subject.name === 'amqp')(
    'RabbitMQ restarted: pending calls fail with 104 promptly, sends meanwhile with 1, calls succeed after recovery',
    async () => {
      expect(await client.server.echo('before')).toBe('Yah! before');
      let lostAt = 0;
      let failedAt = 0;
      client.broker.onStateChange((state) => {
        if (state.state === 'reconnecting' && lostAt === 0) lostAt = Date.now();
      });
      // Held far longer than stopping the broker can take on a loaded machine, so its reply never wins the race.
      const pending = rejection(client.server.timeout(50, { timeout: 60_000 }).finally(() => (failedAt = Date.now())));
      await until(
        () => backEnd.servant.calls.length === 2,
        5_000,
        () => 'not served',
      );
      let stoppedAt = 0;
      try {
        stoppedAt = Date.now();
        await rabbitmqctl('stop_app');
        const error = await pending;
        expect(error.code).toBe(ErrorCode.CONNECTION_LOST);
        expect(error.message).toMatch(/the broker connection was lost/);
        // Failed when the connection was seen lost, not by the 60 s call timeout.
        expect(lostAt).toBeGreaterThan(0);
        // "At once" next to the 60 s call timeout it replaces, with room for a loaded 2-core machine.
        expect(failedAt - lostAt).toBeLessThan(2_000);
        expect(failedAt - stoppedAt).toBeLessThan(10_000);
        const down = await rejection(client.server.echo('while down'));
        expect(down.code).toBe(ErrorCode.SENDFAILED);
      } finally {
        await rabbitmqctl('start_app');
        await rabbitmqctl('await_startup');
      }
      await until(
        () => brokers.every((b) => b.state.state === 'open'),
        30_000,
        () => brokers.map((b) => b.state.state).join(', '),
      );
      // Nothing was restarted by hand: the same proxy, target, replies and back end work again.
      expect(await client.server.echo('after', { timeout: 10_000 })).toBe('Yah! after');
      expect(await client.server.datetime({ mode: 'async', timeout: 10_000 })).toBe('now');
    },
    90_000,
  );
});
