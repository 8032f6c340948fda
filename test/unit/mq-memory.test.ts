// What only the in-memory broker has: bounds, statistics, batching, topic patterns.
// Shared behaviour with RabbitMQ is in test/integration/mq-conformance.test.ts.
import { describe, expect, it } from 'vitest';
import { createMemoryBroker, topicMatches } from '../../electron/transports/memory.js';
import type { MqAddress } from '../../shared/rpc/connection.js';
import { rpcMessage } from '../../shared/wire/message.js';
import { exposeGc } from '../support/gc.js';

const queue = (name: string): MqAddress => ({ name, type: 'queue', durable: true, create: 'always', subject: '' });
const topic = (name: string, subject = ''): MqAddress => ({
  name,
  type: 'topic',
  durable: true,
  create: 'always',
  subject,
});

describe('in-memory broker', () => {
  it('says it is the sandbox broker, not RabbitMQ', () => {
    const broker = createMemoryBroker();
    expect(broker.kind).toBe('memory');
    expect(broker.description).toBe('in-memory sandbox broker (not RabbitMQ)');
    expect(broker.state).toEqual({ state: 'open' });
  });

  it('bounds a queue nobody reads: past its limit it refuses messages (send is false), counted and logged sparingly', async () => {
    const logs: string[] = [];
    const broker = createMemoryBroker({ maxQueueLength: 5, log: (_level, m) => logs.push(m) });
    const writer = await broker.openWriter(queue('q'));
    const taken = Array.from({ length: 120 }, (_, i) => writer.send(rpcMessage({ sequence: i })));
    expect(taken).toEqual([...Array<boolean>(5).fill(true), ...Array<boolean>(115).fill(false)]);
    expect(broker.stats()).toEqual([{ name: 'q', depth: 5, readers: 0, dropped: 115 }]);
    expect(logs).toEqual([
      'queue "q" is full (5 messages): refused a message, 1 so far',
      'queue "q" is full (5 messages): refused a message, 10 so far',
      'queue "q" is full (5 messages): refused a message, 100 so far',
    ]);

    const reader = await broker.openReader(queue('q'));
    const got: number[] = [];
    reader.listen((m) => got.push(m.sequence));
    await expect.poll(() => got.length === 5).toBe(true);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    expect(broker.stats()).toEqual([{ name: 'q', depth: 0, readers: 1, dropped: 115 }]);
  });

  it('drops the newest copy for a full topic subscription (an unreliable link) and still takes the message', async () => {
    const logs: string[] = [];
    const broker = createMemoryBroker({ maxQueueLength: 2, log: (_level, m) => logs.push(m) });
    const reader = await broker.openReader(topic('t'));
    const writer = await broker.openWriter(topic('t'));
    expect([1, 2, 3].map((sequence) => writer.send(rpcMessage({ sequence })))).toEqual([true, true, true]);
    expect(broker.stats()).toEqual([{ name: 'topic "t" subscription 1', depth: 2, readers: 0, dropped: 1 }]);
    expect(logs).toEqual(['topic "t" subscription 1 is full (2 messages): dropped the newest, 1 so far']);
    const got: number[] = [];
    reader.listen((m) => got.push(m.sequence));
    await expect.poll(() => got.length === 2).toBe(true);
    expect(got).toEqual([1, 2]);
  });

  it('holds only its bound of messages when full and nobody reads, whatever went through', async () => {
    const gc = exposeGc();
    const broker = createMemoryBroker({ maxQueueLength: 5, log: () => undefined });
    await broker.openWriter(queue('full'));
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const body = new Uint8Array(64 * 1024);
    for (let i = 0; i < 2000; i++) broker.publishRaw(queue('full'), body); // 125 MiB through a queue of 5
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50)); // array buffers are freed off the main thread
    gc();
    // Kept, they would be 125 MiB; half of that leaves room for a collector that is not done yet.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
    expect(broker.stats()).toEqual([{ name: 'full', depth: 5, readers: 0, dropped: 1995 }]);
  });

  it('delivers a deep queue in batches, letting other work run in between', async () => {
    const broker = createMemoryBroker();
    const writer = await broker.openWriter(queue('deep'));
    for (let i = 0; i < 3000; i++) writer.send(rpcMessage({ sequence: i }));
    const reader = await broker.openReader(queue('deep'));
    let got = 0;
    reader.listen(() => got++);
    let seenAtOtherWork = -1;
    setImmediate(() => setImmediate(() => (seenAtOtherWork = got)));
    await expect.poll(() => got === 3000).toBe(true);
    expect(seenAtOtherWork).toBeGreaterThan(0);
    expect(seenAtOtherWork).toBeLessThan(3000);
  });

  it('routes topic messages by subject with AMQP patterns, and lists subscriptions in stats', async () => {
    const broker = createMemoryBroker();
    const all = await broker.openReader(topic('events'));
    const online = await broker.openReader(topic('events', 'user.*'));
    const got = { all: [] as number[], online: [] as number[] };
    all.listen((m) => got.all.push(m.sequence));
    online.listen((m) => got.online.push(m.sequence));
    (await broker.openWriter(topic('events', 'user.online'))).send(rpcMessage({ sequence: 1 }));
    (await broker.openWriter(topic('events', 'system'))).send(rpcMessage({ sequence: 2 }));
    await expect.poll(() => got.all.length === 2).toBe(true);
    expect(got).toEqual({ all: [1, 2], online: [1] });
    expect(broker.stats().map((s) => s.name)).toEqual([
      'topic "events" subscription 1',
      'topic "events" subscription 2',
    ]);

    await online.close();
    expect(broker.stats().map((s) => s.name)).toEqual(['topic "events" subscription 1']);
  });

  it('copies raw bytes on publish, so the publisher may reuse its buffer', async () => {
    const broker = createMemoryBroker();
    const reader = await broker.openReader(queue('raw'));
    const raws: Uint8Array[] = [];
    reader.listen((_m, raw) => raws.push(raw));
    const body = new Uint8Array(21);
    body[0] = 1;
    broker.publishRaw(queue('raw'), body);
    body[0] = 9;
    await expect.poll(() => raws.length === 1).toBe(true);
    expect(raws[0]![0]).toBe(1);
  });
});

describe('topicMatches', () => {
  it.each([
    ['#', '', true],
    ['#', 'a.b', true],
    ['', '', true],
    ['', 'a', false],
    ['a.*', 'a.b', true],
    ['a.*', 'a', false],
    ['a.*', 'a.b.c', false],
    ['a.#', 'a', true],
    ['a.#', 'a.b.c', true],
    ['#.c', 'a.b.c', true],
    ['a.#.c', 'a.c', true],
    ['a.#.c', 'a.b.d', false],
    ['*', '', false],
  ])('%j matches %j: %s', (binding, routing, expected) => {
    expect(topicMatches(binding, routing)).toBe(expected);
  });
});
