// Request/reply through RabbitMQ: the reference that RPC over AMQP and the gateway are compared
// against. A responder process (bench/amqp-responder.ts) echoes a request queue to a reply
// queue; a requester here sends through plain amqplib, or through MqWriter/MqReader
// (connectAmqp), the project's transport.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { connectAmqp } from '../electron/transports/amqp.js';
import type { MqAddress } from '../shared/rpc/connection.js';
import { encodeMessage, rpcMessage } from '../shared/wire/message.js';
import { FifoReplies, measurePair, type Pair } from './measure.js';
import { rawTcpClient } from './raw-tcp.js';
import { messageOf } from '../shared/message-of.js';

export const AMQP_URL = process.env['TCE_BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
/** An echo("hello") CALL (test.Server, ifidx 2): the bytes a TCE request would carry. */
const REQUEST = rpcMessage({
  ifidx: 2,
  opidx: 0,
  sequence: 1,
  paramsize: 1,
  params: new Uint8Array([0, 0, 0, 5, 104, 101, 108, 108, 111]),
});

/** A client whose call() is one round trip. */
export interface Requester {
  call: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Both modes through a requester opened for them and stopped afterwards. */
export async function measureRequester(open: () => Promise<Requester>, measureMs: number): Promise<Pair> {
  const requester = await open();
  try {
    return await measurePair(requester.call, { measureMs });
  } finally {
    await requester.stop();
  }
}

/** The responder and its two queues, to measure requesters through: one at a time, as they share the reply queue. */
export interface AmqpEcho {
  /** Plain amqplib, set up like the transport: one channel publishes, one consumes replies (prefetch, ack on receipt). */
  rawRequester: () => Promise<Requester>;
  /**
   * The same with the guarantees of a TCE client and back end (docs/delivery.md), to the
   * guaranteed responder: each request persistent to a durable queue on a confirm channel, with
   * a confirm callback. Only when started with `guaranteed`.
   */
  guaranteedRequester: () => Promise<Requester>;
  /** The project's transport: MqWriter.send / MqReader.listen over connectAmqp. */
  transportRequester: () => Promise<Requester>;
  /** A raw TCP client through a raw TCP → amqplib relay process (bench/amqp-relay.ts): the floor of a gateway. */
  relayRequester: () => Promise<Requester>;
  /**
   * The same relay with the gateway's delivery guarantees, to a responder with a back end's
   * (docs/delivery.md: confirms, persistent to durable queues, ack after the reply is confirmed):
   * the floor of a gateway that must not lose calls. Only when started with `guaranteed`.
   */
  guaranteedRelayRequester: () => Promise<Requester>;
  stop: () => Promise<void>;
}

/** Runs a bench process against two queues and waits for its first line (its readiness, or what it has to say). */
async function startChild(name: string, queues: EchoQueues): Promise<{ child: ChildProcess; line: string }> {
  const script = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  const args = [script, AMQP_URL, queues.requests, queues.replies, ...(queues.guaranteed ? ['guaranteed'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const ready = once(lines, 'line') as Promise<[string]>;
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the bench's ${name} exited with code ${String(code)}`);
  });
  const [line] = await Promise.race([ready, exited]);
  return { child, line };
}

/** A request and a reply queue a responder serves; `guaranteed`: durable, and served as docs/delivery.md says. */
interface EchoQueues {
  requests: string;
  replies: string;
  guaranteed: boolean;
}

async function relayRequester(queues: EchoQueues): Promise<Requester> {
  const { child, line } = await startChild('amqp-relay', queues);
  const client = await rawTcpClient(Number(line));
  return {
    call: client.call as () => Promise<void>,
    stop: async () => {
      client.close();
      child.kill();
      await once(child, 'exit');
    },
  };
}

async function rawRequester(model: ChannelModel, queues: EchoQueues): Promise<Requester> {
  const { requests, replies, guaranteed } = queues;
  const body = Buffer.from(encodeMessage(REQUEST));
  const pending = new FifoReplies();
  let stopping = false;
  // As MqCallTarget, a callback per request; one refused would never be answered, so say so.
  const confirmed = (err: unknown): void => {
    if (err && !stopping) process.stderr.write(`bench: RabbitMQ did not confirm a request: ${messageOf(err)}\n`);
  };
  let publish: () => void;
  let publisher: Channel;
  if (guaranteed) {
    const channel = await model.createConfirmChannel();
    publish = () => channel.publish('', requests, body, { deliveryMode: 2 }, confirmed);
    publisher = channel;
  } else {
    const channel = await model.createChannel();
    publish = () => channel.publish('', requests, body, { deliveryMode: 1 });
    publisher = channel;
  }
  const consumer = await model.createChannel();
  await consumer.prefetch(4000);
  await consumer.consume(replies, (message) => {
    if (!message) return;
    consumer.ack(message);
    pending.settle();
  });
  return {
    call: () => {
      publish();
      return pending.next();
    },
    stop: async () => {
      stopping = true;
      await publisher.close();
      await consumer.close();
    },
  };
}

async function transportRequester(requests: string, replies: string): Promise<Requester> {
  const broker = await connectAmqp(AMQP_URL, { connectionName: 'tce-bench-requester' });
  const address = (name: string): MqAddress => ({ name, type: 'queue', durable: false, create: 'never', subject: '' });
  const writer = await broker.openWriter(address(requests));
  const reader = await broker.openReader(address(replies));
  const pending = new FifoReplies();
  reader.listen(() => pending.settle());
  return {
    call: () => {
      if (!writer.send(REQUEST)) throw new Error('MqWriter refused a request');
      return pending.next();
    },
    stop: () => broker.close(),
  };
}

/**
 * Declares a request and a reply queue of its own and starts the responder on them; with
 * `guaranteed`, also a durable pair served by a guaranteed responder, for guaranteedRelayRequester.
 */
export async function startAmqpEcho(options: { guaranteed?: boolean } = {}): Promise<AmqpEcho> {
  const model = await connect(AMQP_URL, { noDelay: true, clientProperties: { connection_name: 'tce-bench-admin' } });
  const suffix = randomBytes(4).toString('hex');
  const plain: EchoQueues = {
    requests: `tce-bench-requests-${suffix}`,
    replies: `tce-bench-replies-${suffix}`,
    guaranteed: false,
  };
  const guaranteed: EchoQueues = {
    requests: `tce-bench-requests-durable-${suffix}`,
    replies: `tce-bench-replies-durable-${suffix}`,
    guaranteed: true,
  };
  const pairs = options.guaranteed ? [plain, guaranteed] : [plain];
  const channel = await model.createChannel();
  const responders: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const responder of responders) responder.kill();
    for (const pair of pairs)
      for (const name of [pair.requests, pair.replies]) await channel.deleteQueue(name).catch(() => undefined);
    await model.close().catch(() => undefined);
  };
  try {
    for (const pair of pairs) {
      for (const name of [pair.requests, pair.replies])
        await channel.assertQueue(name, { durable: pair.guaranteed, exclusive: false, autoDelete: false });
      responders.push((await startChild('amqp-responder', pair)).child);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    rawRequester: () => rawRequester(model, plain),
    guaranteedRequester: () => {
      if (!options.guaranteed) throw new Error('startAmqpEcho was not asked for the guaranteed pair');
      return rawRequester(model, guaranteed);
    },
    transportRequester: () => transportRequester(plain.requests, plain.replies),
    relayRequester: () => relayRequester(plain),
    guaranteedRelayRequester: () => {
      if (!options.guaranteed) throw new Error('startAmqpEcho was not asked for the guaranteed pair');
      return relayRequester(guaranteed);
    },
    stop,
  };
}

/** Deletes queues and exchanges a benchmark declared; ones already gone are skipped. */
export async function removeNodes(queues: string[], exchanges: string[]): Promise<void> {
  const model = await connect(AMQP_URL, { noDelay: true, clientProperties: { connection_name: 'tce-bench-admin' } });
  try {
    for (const [kind, name] of [
      ...queues.map((q) => ['queue', q] as const),
      ...exchanges.map((e) => ['exchange', e] as const),
    ]) {
      // A failed delete closes its channel: one channel each.
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      await (kind === 'queue' ? channel.deleteQueue(name) : channel.deleteExchange(name)).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await model.close().catch(() => undefined);
  }
}
