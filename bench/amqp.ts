// Request/reply through RabbitMQ: the reference that RPC over AMQP and the gateway are compared
// against. A responder process (bench/amqp-responder.ts) echoes a request queue to a reply
// queue; here a requester measures plain amqplib, then the same through MqWriter/MqReader
// (connectAmqp), sequentially and with IN_FLIGHT requests outstanding.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect, type ChannelModel } from 'amqplib';
import { connectAmqp } from '../electron/transports/amqp.js';
import type { MqAddress } from '../shared/rpc/connection.js';
import { encodeMessage, rpcMessage } from '../shared/wire/message.js';
import { FifoReplies, IN_FLIGHT, bestPair, measurePair, pairRows, ratio, type Pair } from './measure.js';
import type { BenchRow } from './types.js';

const AMQP_URL = process.env['TCE_BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
/** An echo("hello") CALL (test.Server, ifidx 2): the bytes a TCE request would carry. */
const REQUEST = rpcMessage({ ifidx: 2, opidx: 0, sequence: 1, paramsize: 1, params: new Uint8Array([0, 0, 0, 5, 104, 101, 108, 108, 111]) });

async function startResponder(requests: string, replies: string): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('./amqp-responder.js', import.meta.url));
  const child = spawn(process.execPath, [script, AMQP_URL, requests, replies], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = once(lines, 'line');
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the AMQP bench responder exited with code ${String(code)}`);
  });
  await Promise.race([ready, exited]);
  return child;
}

/** Plain amqplib, set up like the transport: one channel publishes requests, one consumes replies (prefetch, ack on receipt). */
async function rawRequester(model: ChannelModel, requests: string, replies: string): Promise<Requester> {
  const body = Buffer.from(encodeMessage(REQUEST));
  const pending = new FifoReplies();
  const publisher = await model.createChannel();
  const consumer = await model.createChannel();
  await consumer.prefetch(4000);
  await consumer.consume(replies, (message) => {
    if (!message) return;
    consumer.ack(message);
    pending.settle();
  });
  return {
    call: () => {
      publisher.publish('', requests, body, { deliveryMode: 1 });
      return pending.next();
    },
    stop: async () => {
      await publisher.close();
      await consumer.close();
    },
  };
}

/** The project's transport: MqWriter.send / MqReader.listen over connectAmqp. */
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

interface Requester {
  call(): Promise<void>;
  stop(): Promise<void>;
}

/** Both modes through a requester, which is stopped whatever happens. */
async function both(requester: Requester): Promise<Pair> {
  try {
    return await measurePair(requester.call);
  } finally {
    await requester.stop();
  }
}

export async function benchAmqpRaw(): Promise<BenchRow[]> {
  const model = await connect(AMQP_URL, { noDelay: true, clientProperties: { connection_name: 'tce-bench-admin' } });
  const suffix = randomBytes(4).toString('hex');
  const requests = `tce-bench-requests-${suffix}`;
  const replies = `tce-bench-replies-${suffix}`;
  let responder: ChildProcess | undefined;
  const channel = await model.createChannel();
  try {
    for (const name of [requests, replies]) await channel.assertQueue(name, { durable: false, exclusive: false, autoDelete: false });
    responder = await startResponder(requests, replies);
    // Interleaved twice, best of two: other load on the machine hits both alike.
    const runs: { raw: Pair; transport: Pair }[] = [];
    for (let i = 0; i < 2; i++) {
      runs.push({ raw: await both(await rawRequester(model, requests, replies)), transport: await both(await transportRequester(requests, replies)) });
    }
    const rawResults = bestPair(runs.map((r) => r.raw));
    const transportResults = bestPair(runs.map((r) => r.transport));
    return [
      {
        name: `MqWriter/MqReader request/reply, ${IN_FLIGHT} in flight, vs raw amqplib`,
        value: transportResults[1].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(transportResults[1].callsPerSecond, rawResults[1].callsPerSecond),
        goal: '≥ 0.9× raw amqplib request/reply',
      },
      {
        name: 'MqWriter/MqReader request/reply, sequential, vs raw amqplib',
        value: transportResults[0].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(transportResults[0].callsPerSecond, rawResults[0].callsPerSecond),
      },
      ...pairRows('raw amqplib request/reply', rawResults),
      ...pairRows('MqWriter/MqReader request/reply', transportResults),
    ];
  } finally {
    responder?.kill();
    for (const name of [requests, replies]) await channel.deleteQueue(name).catch(() => undefined);
    await model.close().catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const row of await benchAmqpRaw()) console.log(`${row.name}: ${row.value} ${row.unit}${row.ratio === undefined ? '' : ` (${row.ratio}×)`}`);
}
