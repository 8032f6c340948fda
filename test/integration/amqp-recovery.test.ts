// RabbitMQ going away under a live broker: forced connection close, a full app restart, a
// queue deleted under a reader. The same MqReader/MqWriter objects must keep working after.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAmqp } from '../../electron/transports/amqp.js';
import type { Broker, BrokerState, MqAddress, MqWriter } from '../../shared/rpc/connection.js';
import {
  RABBIT_URL,
  RabbitAdmin,
  closeConnectionsNamed,
  collect,
  numbered,
  queueAddress,
  rabbitmqctl,
  suffix,
  topicAddress,
  until,
  type Collector,
} from '../../support/mq-kit.js';

let admin: RabbitAdmin;
/** Vitest reports these too; collected here so each test states it had none. */
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  admin = await RabbitAdmin.open();
});
afterEach(() => {
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await admin.close();
});

/** The sequence of the messages sent from the state listener. */
const PROBE = 0xffffffff;
const withoutProbes = (c: Collector): number[] => c.sequences().filter((n) => n !== PROBE);

/** A broker with a queue reader/writer and a topic reader/writer, all checked to work. */
async function liveBroker(connectionName: string) {
  const logs: string[] = [];
  const broker = await connectAmqp(RABBIT_URL, {
    connectionName,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
    log: (_level, m) => logs.push(m),
  });
  const states: BrokerState[] = [];
  /** writer.send() results seen at the moment each state was reported. */
  const sendsAtState: boolean[] = [];
  const queue = queueAddress(`tce-test-rq-${suffix()}`);
  const topic = topicAddress(`tce-test-rt-${suffix()}`);
  const queueWriter = await broker.openWriter(queue);
  const topicWriter = await broker.openWriter(topic);
  const queueReader = collect(await broker.openReader(queue));
  const topicReader = collect(await broker.openReader(topic));
  broker.onStateChange((s) => {
    states.push(s);
    sendsAtState.push(queueWriter.send(numbered(PROBE)));
  });
  await roundTrip({ queueWriter, topicWriter, queueReader, topicReader }, 1);
  return { broker, logs, states, sendsAtState, queue, topic, queueWriter, topicWriter, queueReader, topicReader };
}

interface Pair {
  queueWriter: MqWriter;
  topicWriter: MqWriter;
  queueReader: Collector;
  topicReader: Collector;
}

/** Sends message n through both writers and waits for both readers to receive it. */
async function roundTrip(p: Pair, n: number): Promise<void> {
  expect(p.queueWriter.send(numbered(n))).toBe(true);
  expect(p.topicWriter.send(numbered(n))).toBe(true);
  await until(
    () => p.queueReader.sequences().includes(n) && p.topicReader.sequences().includes(n),
    10_000,
    () => `message ${n} did not arrive`,
  );
}

async function cleanup(broker: Broker, queue: MqAddress, topic: MqAddress): Promise<void> {
  await broker.close();
  await admin.remove([queue.name], [topic.name]);
}

describe('RabbitMQ connection recovery', () => {
  it('recovers from a connection closed by the broker: same reader and writer work again', async () => {
    const name = `tce-test-recovery-${suffix()}`;
    const live = await liveBroker(name);
    try {
      expect(await closeConnectionsNamed(name)).toBe(1);
      await until(
        () => live.states.some((s) => s.state === 'open'),
        20_000,
        () => JSON.stringify(live.states),
      );

      const [lost, back] = live.states;
      expect(lost).toMatchObject({ state: 'reconnecting', attempt: 1 });
      expect(lost?.state === 'reconnecting' && lost.lastError).toMatch(/CONNECTION_FORCED/);
      expect(back).toEqual({ state: 'open' });
      expect(live.states).toHaveLength(2);
      expect(live.sendsAtState).toEqual([false, true]); // down: refused; open: every writer is back
      expect(live.broker.state).toEqual({ state: 'open' });

      await roundTrip(live, 2);
      await roundTrip(live, 3);
      expect(live.logs.some((l) => l.includes('connection lost') && l.includes('CONNECTION_FORCED'))).toBe(true);
    } finally {
      await cleanup(live.broker, live.queue, live.topic);
    }
  });

  it('recovers from a RabbitMQ restart (stop_app / start_app) and refuses new endpoints meanwhile', async () => {
    const live = await liveBroker(`tce-test-restart-${suffix()}`);
    // A second broker that may only retry twice: it gives up and closes while RabbitMQ is down.
    const impatient = await connectAmqp(RABBIT_URL, {
      connectionName: 'tce-test-impatient',
      reconnect: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 2 },
      log: () => undefined,
    });
    const impatientStates: BrokerState[] = [];
    impatient.onStateChange((s) => impatientStates.push(s));
    try {
      await rabbitmqctl('stop_app');
      await until(
        () => live.states.filter((s) => s.state === 'reconnecting').length >= 2,
        20_000,
        () => JSON.stringify(live.states),
      );
      expect(live.queueWriter.send(numbered(9))).toBe(false);
      await expect(live.broker.openReader(queueAddress('tce-test-never-opened'))).rejects.toThrow(
        /not connected, reconnecting \(attempt \d+/,
      );

      await until(
        () => impatient.state.state === 'closed',
        10_000,
        () => JSON.stringify(impatientStates),
      );
      expect(impatientStates.map((s) => s.state)).toEqual(['reconnecting', 'reconnecting', 'closed']);
      expect(impatient.state).toEqual({ state: 'closed', reason: 'gave up reconnecting: ECONNREFUSED' });
    } finally {
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
    }
    try {
      await until(
        () => live.broker.state.state === 'open',
        30_000,
        () => JSON.stringify(live.states.slice(-3)),
      );
      const reconnecting = live.states.filter((s) => s.state === 'reconnecting');
      expect(reconnecting.map((s) => s.attempt)).toEqual(reconnecting.map((_, i) => i + 1));
      expect(live.states.at(-1)).toEqual({ state: 'open' });
      expect(live.states.filter((s) => s.state === 'open')).toHaveLength(1);
      expect(
        live.states.some((s) => s.state === 'reconnecting' && /ECONNREFUSED|CONNECTION_FORCED/.test(s.lastError)),
      ).toBe(true);

      // The durable queue and exchange survived; the topic reader has a new private queue.
      await roundTrip(live, 2);
      await roundTrip(live, 3);
      expect(withoutProbes(live.queueReader)).toEqual([1, 2, 3]);
      expect(live.topicReader.sequences()).toEqual([1, 2, 3]);
    } finally {
      await cleanup(live.broker, live.queue, live.topic);
    }
  });

  it('re-subscribes a reader whose queue was deleted under it, declaring it again', async () => {
    const live = await liveBroker(`tce-test-deleted-${suffix()}`);
    try {
      await admin.remove([live.queue.name], []);
      await until(
        () => live.logs.some((l) => l.includes('cancelled the subscription')),
        10_000,
        () => live.logs.join('\n'),
      );
      // The reader re-declares the queue (create: always) after its retry delay; until then
      // messages to the missing queue are dropped by RabbitMQ, so probe until one gets through.
      let probe = 100;
      await until(
        () => live.queueReader.sequences().some((n) => n >= 100) || !live.queueWriter.send(numbered(probe++)),
        10_000,
        () => 'the reader never came back',
      );
      expect(live.queueWriter.send(numbered(4))).toBe(true);
      await until(
        () => live.queueReader.sequences().includes(4),
        10_000,
        () => `got ${live.queueReader.sequences().join()}`,
      );
      expect(live.states).toEqual([]); // the connection itself never dropped
    } finally {
      await cleanup(live.broker, live.queue, live.topic);
    }
  });
});
