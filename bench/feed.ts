// The live feed under load: a client drives one-way calls through the in-memory sandbox at a
// fixed rate; every hop records them; a subscriber over the browser-mode WebSocket receives the
// batches. Reports delivery, drops, batch latency and the host's heap growth. The host and the
// sandbox run in this process (the console's main process); client and subscriber in children.
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConsoleHost } from '../electron/host/host.js';
import { startWebServer } from '../electron/web/server.js';
import { copyCluster } from '../support/cluster-copy.js';
import type { DriveReport, SubscribeReport } from './feed-peer.js';
import { goals, row } from './measure.js';
import type { BenchRow } from './types.js';

const PEER = fileURLToPath(new URL('./feed-peer.js', import.meta.url));
const TEST_IDL = ['../idl-samples/cluster/test.idl', '../../idl-samples/cluster/test.idl'].map((p) =>
  fileURLToPath(new URL(p, import.meta.url)),
);

function peer(args: string[]): { child: ChildProcess; next<T>(): Promise<T> } {
  const child = fork(PEER, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  child.on('message', (m) => (waiting.length > 0 ? waiting.shift()!(m) : messages.push(m)));
  return {
    child,
    next: <T>() =>
      new Promise<T>((resolve, reject) => {
        if (messages.length > 0) return resolve(messages.shift() as T);
        waiting.push((m) => resolve(m as T));
        child.once('exit', (code) => reject(new Error(`feed-peer ${args[0]} exited with ${code}`)));
      }),
  };
}

const percentile = (values: number[], p: number): number => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

const MB = 1024 * 1024;

/** After a full collection: the V8 heap, and the array buffers outside it (the feed keeps its bytes there). */
function memoryMb(): { heap: number; arrayBuffers: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heap: heapUsed / MB, arrayBuffers: arrayBuffers / MB };
}

export async function benchFeed(): Promise<BenchRow[]> {
  const seconds = Number(process.env['BENCH_FEED_SECONDS'] ?? 60);
  const rate = Number(process.env['BENCH_FEED_RATE'] ?? 10_000);
  const project = copyCluster(`tce-bench-feed-${process.pid}`);
  copyFileSync(
    TEST_IDL.find((p) => existsSync(p))!,
    join(project.dir, 'test.idl'),
  );
  const configDir = mkdtempSync(join(tmpdir(), 'tce-bench-config-'));
  const host = new ConsoleHost({ mode: 'web', configDir, env: {} });
  const web = await startWebServer({ host });
  const subscriber = peer(['subscribe', web.apiUrl]);
  try {
    await host.run('project.open', { path: project.dir });
    const sandbox = await host.run('sandbox.start', { broker: 'memory' });
    if (sandbox.state !== 'running') throw new Error(`the sandbox did not start: ${JSON.stringify(sandbox)}`);
    const gateway = sandbox.gateways.find((g) => g.server === 'gwserver')!.listen[0]!;
    await subscriber.next<'ready'>();
    const before = memoryMb();
    const heapBefore = before.heap;
    const firstId = ((await host.run('feed.stats', {})).lastId ?? 0) + 1;
    let heapPeak = heapBefore;
    const sampler = setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed / MB)), 250);
    const driver = peer(['drive', gateway, String(rate), String(seconds)]);
    const driven = await driver.next<DriveReport>();
    // Let the last entries through every hop and out to the subscriber.
    const deadline = Date.now() + 5_000;
    let stats = await host.run('feed.stats', {});
    for (let last = -1; Date.now() < deadline && stats.lastId !== last; stats = await host.run('feed.stats', {})) {
      last = stats.lastId ?? 0;
      await new Promise((r) => setTimeout(r, 300));
    }
    await new Promise((r) => setTimeout(r, 300));
    subscriber.child.send('report');
    const received = await subscriber.next<SubscribeReport>();
    clearInterval(sampler);
    const after = memoryMb();
    const heapAfter = after.heap;
    const recorded = (stats.lastId ?? 0) - firstId + 1;
    return [
      row('calls driven into the sandbox', 'msg/s', [driven.sent / driven.seconds], {
        goal: `the load: ${rate.toLocaleString('en-US')} msg/s for ${seconds} s`,
      }),
      row('feed entries recorded (3 hops per call)', 'entries/s', [recorded / driven.seconds]),
      row('entries delivered to the subscriber', 'entries', [received.delivered], {
        ratios: [received.delivered / recorded],
        ...goals.ratioAtLeast(1, 'entries recorded'),
      }),
      row('entries dropped for the subscriber', 'entries', [received.dropped], goals.atMost(0, 'entries')),
      row('batches per second', 'batch/s', [received.batches / driven.seconds], goals.atMost(30, 'batch/s')),
      row('batch latency p50', 'ms', [percentile(received.batchLatencies, 50)]),
      row('batch latency p95', 'ms', [percentile(received.batchLatencies, 95)], goals.atMost(100, 'ms')),
      row('host heap growth (after gc)', 'MB', [heapAfter - heapBefore], {
        goal: `bounded by the ring (${stats.capacity.toLocaleString('en-US')} entries)`,
      }),
      row('host heap peak growth', 'MB', [heapPeak - heapBefore], goals.atMost(150, 'MB')),
      row('heap per held entry', 'B', [((heapAfter - heapBefore) * MB) / Math.max(1, stats.size)]),
      row('host array buffers growth (after gc)', 'MB', [after.arrayBuffers - before.arrayBuffers], {
        goal: 'bounded by the raw budget',
      }),
    ];
  } finally {
    subscriber.child.kill();
    await web.close();
    await host.close();
    project.removeFiles();
    rmSync(configDir, { recursive: true, force: true });
  }
}
