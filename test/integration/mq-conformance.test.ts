// One behaviour, two brokers: everything here must hold for RabbitMQ (amqplib) and for the
// in-memory sandbox broker alike.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { createMemoryBroker, type MemoryBroker } from '../../electron/transports/memory.js';
import type { Broker, BrokerState, MqAddress, MqConfirm, MqDelivery } from '../../shared/rpc/connection.js';
import { parseMqAddress } from '../../shared/rpc/mq-address.js';
import { encodeMessage } from '../../shared/wire/message.js';
import {
  RABBIT_URL,
  RabbitAdmin,
  collect,
  numbered,
  queueAddress,
  sleep,
  suffix,
  topicAddress,
  until,
} from '../../support/mq-kit.js';
import type { Log } from '../../shared/log.js';

interface Subject {
  name: string;
  open(log: Log, options?: { prefetch?: number }): Promise<Broker>;
  /** Publishes bytes that are not an RpcMessage, as a foreign or broken publisher would. */
  publishRaw(broker: Broker, address: MqAddress, body: Uint8Array): Promise<void>;
  remove(queues: string[], exchanges: string[]): Promise<void>;
}

let admin: RabbitAdmin;

const subjects: Subject[] = [
  {
    name: 'memory',
    open: async (log, options) => createMemoryBroker({ log, ...options }),
    publishRaw: async (broker, address, body) => void (broker as MemoryBroker).publishRaw(address, body),
    remove: async () => undefined,
  },
  {
    name: 'amqp',
    open: (log, options) => connectAmqp(RABBIT_URL, { connectionName: 'tce-test-conformance', log, ...options }),
    publishRaw: (_broker, address, body) => admin.publishRaw(address, body),
    remove: (queues, exchanges) => admin.remove(queues, exchanges),
  },
];

beforeAll(async () => {
  admin = await RabbitAdmin.open();
});
afterAll(async () => {
  await admin.close();
});

describe.each(subjects)('$name broker', (subject) => {
  let broker: Broker;
  let logs: string[];
  let queues: string[];
  let exchanges: string[];

  const openBroker = async (options?: { prefetch?: number }): Promise<Broker> => {
    logs = [];
    broker = await subject.open((_level, message) => logs.push(message), options);
    return broker;
  };
  /** A fresh name, deleted after the test. */
  const queue = (create: MqAddress['create'] = 'always'): MqAddress => {
    const name = `tce-test-q-${suffix()}`;
    queues.push(name);
    return queueAddress(name, create);
  };
  const topic = (): MqAddress => {
    const name = `tce-test-t-${suffix()}`;
    exchanges.push(name);
    return topicAddress(name);
  };

  beforeAll(() => {
    queues = [];
    exchanges = [];
  });
  afterEach(async () => {
    await broker?.close();
    await subject.remove(queues.splice(0), exchanges.splice(0));
  });

  it('delivers messages sent to a queue, in order, as equal but separate objects', async () => {
    await openBroker();
    expect(broker.kind).toBe(subject.name);
    expect(broker.state).toEqual({ state: 'open' });
    const address = queue();
    const writer = await broker.openWriter(address);
    const reader = await broker.openReader(address);
    const got = collect(reader);

    const sent = [numbered(1), numbered(2), numbered(3)];
    for (const m of sent) expect(writer.send(m)).toBe(true);
    await got.waitFor(3);

    expect(got.messages).toEqual(sent);
    expect(got.raws.map((r) => [...r])).toEqual(sent.map((m) => [...encodeMessage(m)]));
    expect(got.messages[0]!.params).not.toBe(sent[0]!.params);
    expect(writer.address).toEqual(address);
    expect(reader.address).toEqual(address);
  });

  it("delivers on a later turn, never inside the sender's call, and copies the bytes", async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const reader = await broker.openReader(address);
    let sending = false;
    let reentered = false;
    const got: number[][] = [];
    reader.listen((m) => {
      reentered ||= sending;
      got.push([...m.params]);
    });
    const message = numbered(5);
    sending = true;
    writer.send(message);
    message.params[0] = 99; // the sender reuses its buffer
    sending = false;
    await until(
      () => got.length === 1,
      10_000,
      () => 'no delivery',
    );
    expect(reentered).toBe(false);
    expect(got[0]).toEqual([5, 0, 0xab]);
  });

  it('keeps messages in a durable queue until a reader comes, also for a Qpid address with the test suffix', async () => {
    await openBroker();
    const name = `tce-test-held-${suffix()}`;
    queues.push(name);
    const address = parseMqAddress(`${name};{create:always,node:{type:queue,durable:true}}`);
    expect(address).toEqual(queueAddress(name));
    const writer = await broker.openWriter(address);
    for (let i = 0; i < 5; i++) writer.send(numbered(i));
    await sleep(200);

    const reader = await broker.openReader(address);
    await sleep(100);
    const got = collect(reader); // listen() after open: held messages arrive then
    await got.waitFor(5);
    expect(got.sequences()).toEqual([0, 1, 2, 3, 4]);
  });

  it('shares a queue between competing readers: each message reaches exactly one', async () => {
    await openBroker();
    const address = queue();
    const a = collect(await broker.openReader(address));
    const b = collect(await broker.openReader(address));
    const writer = await broker.openWriter(address);
    const n = 400;
    for (let i = 0; i < n; i++) writer.send(numbered(i));

    await until(
      () => a.messages.length + b.messages.length >= n,
      10_000,
      () => `${a.messages.length} + ${b.messages.length} of ${n}`,
    );
    await sleep(100); // nothing more may come
    const all = [...a.sequences(), ...b.sequences()].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(a.messages.length).toBeGreaterThan(n / 10);
    expect(b.messages.length).toBeGreaterThan(n / 10);
  });

  it('fans a topic out to every reader, each getting every message in order', async () => {
    await openBroker();
    const address = topic();
    const a = collect(await broker.openReader(address));
    const b = collect(await broker.openReader(address));
    const writer = await broker.openWriter(address);
    for (let i = 0; i < 20; i++) writer.send(numbered(i));
    await a.waitFor(20);
    await b.waitFor(20);
    const expected = Array.from({ length: 20 }, (_, i) => i);
    expect(a.sequences()).toEqual(expected);
    expect(b.sequences()).toEqual(expected);
  });

  it('drops a topic message nobody subscribed to, and a late reader only sees later ones', async () => {
    await openBroker();
    const address = topic();
    const writer = await broker.openWriter(address);
    writer.send(numbered(1));
    await sleep(100);
    const got = collect(await broker.openReader(address));
    writer.send(numbered(2));
    await got.waitFor(1);
    await sleep(100);
    expect(got.sequences()).toEqual([2]);
  });

  it('logs and drops an undecodable message and keeps delivering', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const got = collect(await broker.openReader(address));
    await subject.publishRaw(broker, address, new TextEncoder().encode('not a TCE message'));
    writer.send(numbered(8));
    await got.waitFor(1);
    await sleep(100);
    expect(got.sequences()).toEqual([8]);
    expect(logs.some((l) => /undecodable message \(17 bytes\)/.test(l) && l.includes(address.name))).toBe(true);
  });

  it('survives a throwing message handler', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const reader = await broker.openReader(address);
    const seen: number[] = [];
    reader.listen((m) => {
      seen.push(m.sequence);
      if (m.sequence === 1) throw new Error('handler bug');
    });
    writer.send(numbered(1));
    writer.send(numbered(2));
    await until(
      () => seen.length === 2,
      10_000,
      () => `seen ${seen.join()}`,
    );
    expect(logs.some((l) => l.includes('handler threw: handler bug'))).toBe(true);
  });

  it('refuses to open a missing node with create: never, with a clear reason', async () => {
    await openBroker();
    const missing = queue('never');
    await expect(broker.openReader(missing)).rejects.toThrow(
      new RegExp(`reader for queue "${missing.name}".*NOT_FOUND`),
    );
    await expect(broker.openWriter(missing)).rejects.toThrow(/NOT_FOUND/);
    const missingTopic = { ...topic(), create: 'never' as const };
    await expect(broker.openReader(missingTopic)).rejects.toThrow(
      new RegExp(`topic "${missingTopic.name}".*NOT_FOUND`),
    );

    // The broker is unharmed, and create: never works once the node exists.
    const existing = queue();
    const writer = await broker.openWriter(existing);
    const got = collect(await broker.openReader({ ...existing, create: 'never' }));
    writer.send(numbered(3));
    await got.waitFor(1);
  });

  it('create: sender / receiver: only that side declares, the other checks', async () => {
    await openBroker();
    const address = queue('sender');
    await expect(broker.openReader(address)).rejects.toThrow(/NOT_FOUND/);
    const writer = await broker.openWriter(address);
    const got = collect(await broker.openReader(address));
    writer.send(numbered(4));
    await got.waitFor(1);

    const byReceiver = queue('receiver');
    await expect(broker.openWriter(byReceiver)).rejects.toThrow(/NOT_FOUND/);
    await broker.openReader(byReceiver);
    await broker.openWriter(byReceiver);
  });

  it('refuses to redeclare a queue with another durability', async () => {
    await openBroker();
    const address = queue();
    await broker.openWriter(address);
    await expect(broker.openReader({ ...address, durable: false })).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('stops delivering to a closed reader; the others take over', async () => {
    await openBroker();
    const address = queue();
    const readerA = await broker.openReader(address);
    const a = collect(readerA);
    const b = collect(await broker.openReader(address));
    const writer = await broker.openWriter(address);
    await readerA.close();
    await readerA.close(); // idempotent
    for (let i = 0; i < 10; i++) writer.send(numbered(i));
    await b.waitFor(10);
    await sleep(100);
    expect(a.messages).toEqual([]);
    expect(b.sequences()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('confirms each message a writer published once the broker has it', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const outcomes: MqConfirm[] = [];
    for (let i = 0; i < 50; i++) expect(writer.send(numbered(i), (outcome) => outcomes.push(outcome))).toBe(true);
    await until(
      () => outcomes.length === 50,
      10_000,
      () => `${outcomes.length} confirms`,
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const got = collect(await broker.openReader(address));
    await got.waitFor(50);
  });

  it('by-listener acks: what a reader held unsettled when it closed goes to another reader, in order; what it acked does not', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const first = await broker.openReader(address);
    const held: { sequence: number; delivery: MqDelivery }[] = [];
    first.listen((m, _raw, delivery) => held.push({ sequence: m.sequence, delivery }), {
      ack: 'by-listener',
      closeWaitMs: 0,
    });
    for (let i = 1; i <= 4; i++) writer.send(numbered(i));
    await until(
      () => held.length === 4,
      10_000,
      () => `held ${held.length}`,
    );
    held[0]!.delivery.ack();
    held[2]!.delivery.ack();
    await first.close(); // as if its back end died with calls 2 and 4 in hand
    const second = collect(await broker.openReader(address));
    await second.waitFor(2);
    await sleep(200);
    expect(second.sequences()).toEqual([2, 4]);
  });

  it('by-listener acks: a rejected message comes back when requeued and is gone when not', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const reader = await broker.openReader(address);
    const seen: number[] = [];
    reader.listen(
      (m, _raw, delivery) => {
        seen.push(m.sequence);
        const times = seen.filter((n) => n === m.sequence).length;
        if (m.sequence === 1 && times === 1) delivery.reject(true);
        else if (m.sequence === 2) delivery.reject(false);
        else delivery.ack();
      },
      { ack: 'by-listener' },
    );
    writer.send(numbered(1));
    writer.send(numbered(2));
    writer.send(numbered(3));
    await until(
      () => seen.length === 4,
      10_000,
      () => `seen ${seen.join()}`,
    );
    await sleep(200);
    expect([...seen].sort()).toEqual([1, 1, 2, 3]);
  });

  it('by-listener acks: a reader gets at most its prefetch of unsettled messages, one more per settled one', async () => {
    await openBroker({ prefetch: 3 });
    const address = queue();
    const writer = await broker.openWriter(address);
    for (let i = 1; i <= 10; i++) writer.send(numbered(i));
    const reader = await broker.openReader(address);
    const held: MqDelivery[] = [];
    reader.listen((_m, _raw, delivery) => held.push(delivery), { ack: 'by-listener' });
    await until(
      () => held.length === 3,
      10_000,
      () => `held ${held.length}`,
    );
    await sleep(200);
    expect(held).toHaveLength(3);
    held[0]!.ack();
    held[1]!.ack();
    await until(
      () => held.length === 5,
      10_000,
      () => `held ${held.length}`,
    );
    await sleep(200);
    expect(held).toHaveLength(5);
  });

  it('closes cleanly: state closed once, writers refuse, opening fails, close is idempotent', async () => {
    await openBroker();
    const address = queue();
    const writer = await broker.openWriter(address);
    const got = collect(await broker.openReader(address));
    const states: BrokerState[] = [];
    broker.onStateChange((s) => states.push(s));

    await broker.close();
    await broker.close();
    expect(broker.state.state).toBe('closed');
    expect(states.map((s) => s.state)).toEqual(['closed']);
    expect(writer.send(numbered(1))).toBe(false);
    await expect(broker.openReader(address)).rejects.toThrow(/closed/);
    await sleep(100);
    expect(got.messages).toEqual([]);
  });
});
