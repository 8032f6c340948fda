// The two outside parties of the feed benchmark, each in its own process as in real use:
//   drive <gatewayUrl> <rate> <seconds>   a client sending one-way calls into the sandbox at a fixed rate
//   subscribe <apiUrl>                    a bridge subscriber (the renderer's place) timing every batch
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import { createClient } from '../electron/transports/dial.js';
import { connectWebBridge } from '../electron/web/client.js';

export interface DriveReport {
  sent: number;
  seconds: number;
}

export interface SubscribeReport {
  batches: number;
  delivered: number;
  dropped: number;
  lastId: number;
  /** Per batch: receipt time minus the creation time of its oldest entry (ms). */
  batchLatencies: number[];
}

const reply = (message: unknown): void => void process.send!(message);

async function drive(url: string, rate: number, seconds: number): Promise<void> {
  const client = createClient(url);
  const server = new ServerProxy(await client.connect());
  let sent = 0;
  const started = performance.now();
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.min(rate * seconds, Math.floor(elapsed * rate));
      // Three payloads in turn: a filter on one of them matches a third of the calls.
      for (; sent < due; sent++) server.heartbeatOneway(`feed bench ${sent % 3}`);
      if (elapsed >= seconds) {
        clearInterval(tick);
        done();
      }
    }, 5);
  });
  reply({ sent, seconds: (performance.now() - started) / 1000 } satisfies DriveReport);
  await client.close();
}

async function subscribe(apiUrl: string): Promise<void> {
  const bridge = await connectWebBridge(apiUrl);
  const report: SubscribeReport = { batches: 0, delivered: 0, dropped: 0, lastId: 0, batchLatencies: [] };
  bridge.on('feed.batch', (batch) => {
    const now = Date.now();
    if (!batch.more) report.batches++;
    report.delivered += batch.entries.length;
    report.dropped += batch.dropped;
    const first = batch.entries[0];
    if (first) report.batchLatencies.push(now - first.time);
    report.lastId = batch.entries.at(-1)?.id ?? report.lastId;
  });
  const stats = await bridge.call('feed.stats', {});
  await bridge.call('feed.subscribe', { afterId: stats.lastId ?? 0 });
  process.on('message', (message) => {
    if (message !== 'report') return;
    reply(report);
    void bridge.close().then(() => process.exit(0));
  });
  reply('ready');
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'drive') await drive(args[0]!, Number(args[1]), Number(args[2]));
else if (mode === 'subscribe') await subscribe(args[0]!);
else throw new Error(`feed-peer: unknown mode ${mode}`);
