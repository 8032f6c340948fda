// Attach (docs/attach.md): what watching costs. The recording proxy (in its own process, as in
// the console) against calling the same echo server directly, at 64 in flight; and a broker tap
// keeping up with 5 000 messages/s through RabbitMQ's firehose, with what it missed counted.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { Attachments } from '../electron/capture/attachments.js';
import { Feed } from '../electron/host/feed/feed.js';
import { parseConfigYml } from '../shared/project/index.js';
import { encodeMessage, rpcMessage } from '../shared/wire/message.js';
import { rabbitmqctl, suffix } from '../support/mq-kit.js';
import type { ProxyMode } from './attach-peer.js';
import { alternate, IN_FLIGHT, measure, measurePair, row, goals, versusRow, type Pair } from './measure.js';
import { startPeers, tceClient } from './rpc.js';
import type { BenchRow } from './types.js';

const MEASURE_MS = 1_000;
/** The tap's load: messages per second, for how long. */
const TAP_RATE = 5_000;
const TAP_SECONDS = 4;
const TAP_ROUNDS = 3;

/** A proxy peer (attach-peer.ts): its listen URL, its CPU time so far (µs), and a stop. */
interface ProxyPeer {
  url: string;
  cpu(): Promise<number>;
  stop(): void;
}

async function startProxy(upstream: string, mode: ProxyMode): Promise<ProxyPeer> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./attach-peer.js', import.meta.url)), upstream, mode], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  // One line per answer: the URL first, then one per `cpu` asked.
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(`attach peer (${mode}) exited`);
    return line.value;
  };
  const url = await next();
  return {
    url,
    cpu: async () => {
      child.stdin.write('cpu\n');
      return Number(await next());
    },
    stop: () => child.kill(),
  };
}

/** The proxy's CPU time per call at IN_FLIGHT, in µs: calls counted over one measured stretch. */
async function cpuPerCall(proxy: ProxyPeer, call: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const counted = (): Promise<unknown> => (calls++, call());
  const before = await proxy.cpu();
  await measure(counted, IN_FLIGHT, { measureMs: MEASURE_MS });
  return ((await proxy.cpu()) - before) / calls;
}

async function proxyRows(): Promise<BenchRow[]> {
  const peers = await startPeers();
  const upstream = peers.addresses.tceTcp;
  const proxies = {
    record: await startProxy(upstream, 'record'),
    observe: await startProxy(upstream, 'observe'),
    pipe: await startProxy(upstream, 'pipe'),
  };
  const direct = tceClient(upstream);
  const clients = {
    record: tceClient(proxies.record.url),
    observe: tceClient(proxies.observe.url),
    pipe: tceClient(proxies.pipe.url),
  };
  try {
    const pair = (c: typeof direct): Promise<Pair> => measurePair(c.call, { measureMs: MEASURE_MS });
    const r = await alternate({
      direct: () => pair(direct),
      proxied: () => pair(clients.record),
      observing: () => pair(clients.observe),
      piping: () => pair(clients.pipe),
    });
    const cpu = await alternate({
      record: () => cpuPerCall(proxies.record, clients.record.call),
      observe: () => cpuPerCall(proxies.observe, clients.observe.call),
      pipe: () => cpuPerCall(proxies.pipe, clients.pipe.call),
    });
    const reference = { name: 'direct', pairs: r.direct };
    const cpuRow = (what: string, values: number[]): BenchRow =>
      row(
        `${what}: its CPU per call, ${IN_FLIGHT} in flight`,
        'µs',
        values.map((v) => Math.round(v * 100) / 100),
      );
    return [
      versusRow('echo through the recording proxy', 'inFlight', r.proxied, reference, 0.7),
      versusRow('echo through the recording proxy', 'sequential', r.proxied, reference),
      // What the recording proxy's cost is made of, measured in the same rounds: a proxy that
      // only forwards (the floor of any Node proxy in a process of its own), and one that also
      // splits and decodes the frames but records nothing.
      versusRow('echo through a pipe-only proxy', 'inFlight', r.piping, reference),
      versusRow('echo through a pipe-only proxy', 'sequential', r.piping, reference),
      versusRow('echo through an observing, not recording proxy', 'inFlight', r.observing, reference),
      cpuRow('the recording proxy', cpu.record),
      cpuRow('the observing, not recording proxy', cpu.observe),
      cpuRow('the pipe-only proxy', cpu.pipe),
    ];
  } finally {
    await direct.close();
    for (const client of Object.values(clients)) await client.close();
    for (const proxy of Object.values(proxies)) proxy.stop();
    peers.stop();
  }
}

/** One round: TAP_RATE messages/s for TAP_SECONDS published to a queue of the project (consumed by nobody). */
async function tapRound(url: string, queue: string): Promise<{ rate: number; lost: number }> {
  const config = parseConfigYml({
    path: 'config.yml',
    text: `common_defs:\n  endpoints:\n    - name: bench_queue\n      host: 127.0.0.1\n      port: 5672\n      address: ${queue};{create:always,node:{type:queue,durable:false}}\n`,
  }).config;
  const feed = new Feed({ capacity: TAP_RATE * TAP_SECONDS * 2 });
  const attachments = new Attachments({ feed, log: () => undefined });
  const model = await connect(url);
  const channel = await model.createChannel();
  await channel.assertQueue(queue, { durable: false });
  try {
    await attachments.startTap(url, { services: undefined, config });
    const body = Buffer.from(encodeMessage(rpcMessage({ sequence: 1, ifidx: 2, params: new Uint8Array(16) })));
    const total = TAP_RATE * TAP_SECONDS;
    const perTick = TAP_RATE / 100;
    const started = performance.now();
    for (let sent = 0; sent < total;) {
      for (let i = 0; i < perTick; i++, sent++) channel.sendToQueue(queue, body);
      const due = started + (sent / TAP_RATE) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    // Settled: the firehose has delivered what it will once nothing more arrives for a second.
    let seen = -1;
    while (seen !== (feed.stats().lastId ?? 0)) {
      seen = feed.stats().lastId ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    // The rate the tap recorded at: entries over the time from the first to the last one.
    const first = feed.get(feed.stats().firstId ?? 0);
    const last = feed.get(seen);
    const span = first && last ? (last.time - first.time) / 1000 : Infinity;
    return { rate: Math.round(seen / span), lost: total - seen };
  } finally {
    await attachments.stopAll();
    await channel.deleteQueue(queue).catch(() => undefined);
    await model.close().catch(() => undefined);
  }
}

async function tapRows(): Promise<BenchRow[]> {
  // A vhost of the benchmark's own: tracing is turned on there only, and it is deleted after.
  const vhost = `tce-bench-attach-${suffix()}`;
  await rabbitmqctl('add_vhost', vhost);
  try {
    await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    await rabbitmqctl('trace_on', '-p', vhost);
    const rounds: { rate: number; lost: number }[] = [];
    for (let i = 0; i < TAP_ROUNDS; i++)
      rounds.push(await tapRound(`amqp://guest:guest@127.0.0.1:5672/${vhost}`, `bench-attach-${suffix()}`));
    return [
      row(
        `broker tap at ${TAP_RATE.toLocaleString('en-US')} msg/s, recorded`,
        'msg/s',
        rounds.map((r) => r.rate),
        goals.atLeast(TAP_RATE * 0.95, 'msg/s'),
      ),
      row(
        'broker tap, messages lost',
        'msgs',
        rounds.map((r) => r.lost),
        goals.atMost(0, 'msgs'),
      ),
    ];
  } finally {
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
  }
}

export async function benchAttach(): Promise<BenchRow[]> {
  return [...(await proxyRows()), ...(await tapRows())];
}
