// The floor of any gateway written in Node with amqplib: a raw TCP → RabbitMQ → TCP relay with no
// protocol work at all. Reads 4-byte length-prefixed frames from TCP clients, publishes each
// body to the request queue, and writes every body consumed from the reply queue (ack on
// receipt, like the gateway) back to the client, length-prefixed, batched per event-loop turn.
// One client at a time (replies go to the latest). Prints the TCP port once ready.
// With `guaranteed`, it publishes as the gateway does (docs/delivery.md): persistent, on a
// channel in confirm mode, each publish with a confirm callback; a request the broker did not
// take drops the client's connection (the relay has no error frame to answer with).
// Usage: node dist/bench/amqp-relay.js URL REQUEST_QUEUE REPLY_QUEUE [guaranteed]
import net from 'node:net';
import { connect } from 'amqplib';

async function main(url: string, requests: string, replies: string, guaranteed: boolean): Promise<void> {
  const model = await connect(url, { noDelay: true, clientProperties: { connection_name: 'tce-bench-relay' } });
  const publisher = guaranteed ? await model.createConfirmChannel() : await model.createChannel();
  const consumer = await model.createChannel();
  await consumer.prefetch(4000);
  let client: net.Socket | undefined;
  let batch: Buffer[] = [];
  const flush = (): void => {
    client?.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    batch = [];
  };
  await consumer.consume(replies, (message) => {
    if (!message) return;
    consumer.ack(message);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(message.content.length);
    if (batch.push(head, message.content) === 2) process.nextTick(flush);
  });
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    client = socket;
    const unconfirmed = (err: unknown): void => {
      if (err) socket.destroy();
    };
    const publish = guaranteed
      ? (body: Buffer) => publisher.publish('', requests, body, { deliveryMode: 2 }, unconfirmed)
      : (body: Buffer) => publisher.publish('', requests, body, { deliveryMode: 1 });
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      let at = 0;
      while (buffered.length - at >= 4) {
        const size = buffered.readUInt32BE(at);
        if (buffered.length - at < 4 + size) break;
        publish(buffered.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
      buffered = buffered.subarray(at);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
  // The parent kills us; closing stdin (parent gone) ends us too.
  process.stdin.resume();
  process.stdin.on('end', () => void model.close().finally(() => process.exit(0)));
}

const [url, requests, replies, mode] = process.argv.slice(2);
if (!url || !requests || !replies || (mode !== undefined && mode !== 'guaranteed')) {
  process.stderr.write('usage: amqp-relay URL REQUEST_QUEUE REPLY_QUEUE [guaranteed]\n');
  process.exit(2);
}
await main(url, requests, replies, mode === 'guaranteed');
