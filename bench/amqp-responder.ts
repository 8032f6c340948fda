// The far end of bench/amqp.ts, in its own process (own core): plain amqplib, consumes the
// request queue and publishes every body unchanged to the reply queue, the way a TCE back end
// would at best (prefetch, ack on receipt, non-persistent). With `guaranteed`, the way a TCE
// back end does by default (docs/delivery.md): the reply persistent, on a second channel in
// confirm mode, and the request acknowledged once its reply is confirmed (requeued if refused).
// Prints `ready` once consuming.
// Usage: node dist/bench/amqp-responder.js URL REQUEST_QUEUE REPLY_QUEUE [guaranteed]
import { connect, type ConsumeMessage } from 'amqplib';

async function main(url: string, requests: string, replies: string, guaranteed: boolean): Promise<void> {
  const model = await connect(url, { noDelay: true, clientProperties: { connection_name: 'tce-bench-responder' } });
  const channel = await model.createChannel();
  await channel.prefetch(4000);
  const publisher = guaranteed ? await model.createConfirmChannel() : undefined;
  const answer = publisher
    ? (message: ConsumeMessage) =>
        publisher.publish('', replies, message.content, { deliveryMode: 2 }, (err: unknown) =>
          err ? channel.nack(message, false, true) : channel.ack(message),
        )
    : (message: ConsumeMessage) => {
        channel.ack(message);
        channel.publish('', replies, message.content, { deliveryMode: 1 });
      };
  await channel.consume(requests, (message) => {
    if (message) answer(message);
  });
  process.stdout.write('ready\n');
  // The parent kills us; closing stdin (parent gone) ends us too.
  process.stdin.resume();
  process.stdin.on('end', () => void model.close().finally(() => process.exit(0)));
}

const [url, requests, replies, mode] = process.argv.slice(2);
if (!url || !requests || !replies || (mode !== undefined && mode !== 'guaranteed')) {
  process.stderr.write('usage: amqp-responder URL REQUEST_QUEUE REPLY_QUEUE [guaranteed]\n');
  process.exit(2);
}
await main(url, requests, replies, mode === 'guaranteed');
