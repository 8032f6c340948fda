// The far end of bench/amqp.ts, in its own process (own core): plain amqplib, consumes the
// request queue and publishes every body unchanged to the reply queue, the way a TCE back end
// would at best (prefetch, ack on receipt, non-persistent). Prints `ready` once consuming.
// Usage: node dist/bench/amqp-responder.js URL REQUEST_QUEUE REPLY_QUEUE
import { connect } from 'amqplib';

async function main(url: string, requests: string, replies: string): Promise<void> {
  const model = await connect(url, { noDelay: true, clientProperties: { connection_name: 'tce-bench-responder' } });
  const channel = await model.createChannel();
  await channel.prefetch(4000);
  await channel.consume(requests, (message) => {
    if (!message) return;
    channel.ack(message);
    channel.publish('', replies, message.content, { deliveryMode: 1 });
  });
  process.stdout.write('ready\n');
  // The parent kills us; closing stdin (parent gone) ends us too.
  process.stdin.resume();
  process.stdin.on('end', () => void model.close().finally(() => process.exit(0)));
}

const [url, requests, replies] = process.argv.slice(2);
if (!url || !requests || !replies) {
  process.stderr.write('usage: amqp-responder URL REQUEST_QUEUE REPLY_QUEUE\n');
  process.exit(2);
}
await main(url, requests, replies);
