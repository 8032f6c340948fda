// The gateway path of the cluster example: TCP client → gateway → RabbitMQ → sample back end →
// RabbitMQ → gateway → client, echo("hello"), sequentially and IN_FLIGHT at a time. Gateway and
// back end run in child processes (bench/gateway-peer.ts); the reference is raw amqplib
// request/reply between two processes (benchAmqpRaw), measured in the same run. The gateway
// reports its CPU time over IPC, which gives its CPU cost per call.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import { createClient } from '../electron/transports/dial.js';
import { benchAmqpRaw } from './amqp.js';
import { IN_FLIGHT, measure, ratio, type Measurement } from './measure.js';
import { copyCluster } from '../support/cluster-copy.js';
import type { PeerMessage } from './gateway-peer.js';
import type { BenchRow } from './types.js';

const AMQP_URL = process.env['TCE_BENCH_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const RUNS = 2;

interface Peer {
  child: ChildProcess;
  url: string | undefined;
  /** The child's CPU time so far, µs. */
  cpu(): Promise<number>;
}

async function startPeer(role: 'gateway' | 'backend', file: string): Promise<Peer> {
  const script = fileURLToPath(new URL('./gateway-peer.js', import.meta.url));
  const child = fork(script, [role, file, AMQP_URL], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the bench ${role} exited with code ${String(code)}`);
  });
  const [ready] = (await Promise.race([once(child, 'message'), exited])) as [PeerMessage];
  return {
    child,
    url: 'ready' in ready ? ready.url : undefined,
    cpu: async () => {
      child.send('cpu');
      const [m] = (await once(child, 'message')) as [PeerMessage];
      if (!('cpu' in m)) throw new Error(`unexpected answer from the bench ${role}`);
      return m.cpu;
    },
  };
}

interface Run {
  result: Measurement;
  /** Gateway CPU per call, µs (warm-up included on both sides of the ratio). */
  cpuPerCall: number;
}

/** One measurement, with the gateway's CPU time over the calls it made. */
async function measured(gateway: Peer, echo: () => Promise<void>, counter: { calls: number }, concurrency: number): Promise<Run> {
  const cpu0 = await gateway.cpu();
  const calls0 = counter.calls;
  const result = await measure(echo, concurrency);
  const cpu1 = await gateway.cpu();
  return { result, cpuPerCall: Math.round((cpu1 - cpu0) / (counter.calls - calls0)) };
}

const best = (runs: Run[]): Run => runs.reduce((a, b) => (b.result.callsPerSecond > a.result.callsPerSecond ? b : a));
const rawValue = (rows: BenchRow[], name: string): number => {
  const row = rows.find((r) => r.name === name);
  if (!row) throw new Error(`benchAmqpRaw gave no row "${name}"`);
  return row.value;
};

export async function benchGateway(): Promise<BenchRow[]> {
  const reference = await benchAmqpRaw();
  const rawSequential = rawValue(reference, 'raw amqplib request/reply, sequential');
  const rawInFlight = rawValue(reference, `raw amqplib request/reply, ${IN_FLIGHT} in flight`);

  const files = copyCluster(`tce-bench-gw-${process.pid}`);
  const peers: Peer[] = [];
  const client = { close: async (): Promise<void> => undefined };
  try {
    peers.push(await startPeer('backend', files.configYml));
    const gateway = await startPeer('gateway', files.servicesXml);
    peers.push(gateway);
    const rpc = createClient(gateway.url!);
    client.close = () => rpc.close();
    const proxy = new ServerProxy(rpc);
    const counter = { calls: 0 };
    const echo = async (): Promise<void> => {
      await proxy.echo('hello');
      counter.calls++;
    };
    await echo();
    const sequential: Run[] = [];
    const inFlight: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      sequential.push(await measured(gateway, echo, counter, 1));
      inFlight.push(await measured(gateway, echo, counter, IN_FLIGHT));
    }
    const seq = best(sequential);
    const par = best(inFlight);
    const label = 'gateway echo (TCP → gateway → RabbitMQ → back end)';
    return [
      {
        name: `${label}, ${IN_FLIGHT} in flight, vs raw amqplib`,
        value: par.result.callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(par.result.callsPerSecond, rawInFlight),
        goal: '≥ 0.7× raw amqplib request/reply',
      },
      { name: `${label}, sequential, vs raw amqplib`, value: seq.result.callsPerSecond, unit: 'calls/s', ratio: ratio(seq.result.callsPerSecond, rawSequential) },
      { name: `${label}, sequential p50`, value: seq.result.p50, unit: 'µs' },
      { name: `${label}, sequential p99`, value: seq.result.p99, unit: 'µs' },
      { name: `${label}, ${IN_FLIGHT} in flight p50`, value: par.result.p50, unit: 'µs' },
      { name: `${label}, ${IN_FLIGHT} in flight p99`, value: par.result.p99, unit: 'µs' },
      { name: 'gateway CPU per call, sequential', value: seq.cpuPerCall, unit: 'µs' },
      { name: `gateway CPU per call, ${IN_FLIGHT} in flight`, value: par.cpuPerCall, unit: 'µs' },
      { name: 'raw amqplib request/reply (reference), sequential', value: rawSequential, unit: 'calls/s' },
      { name: `raw amqplib request/reply (reference), ${IN_FLIGHT} in flight`, value: rawInFlight, unit: 'calls/s' },
    ];
  } finally {
    await client.close();
    for (const peer of peers) peer.child.disconnect();
    await Promise.all(peers.map((p) => (p.child.exitCode === null ? once(p.child, 'exit') : undefined)));
    await removeNodes(files.queues, files.exchanges);
    files.removeFiles();
  }
}

async function removeNodes(queues: string[], exchanges: string[]): Promise<void> {
  const model = await connect(AMQP_URL, { noDelay: true, clientProperties: { connection_name: 'tce-bench-admin' } });
  try {
    for (const [kind, name] of [...queues.map((q) => ['queue', q] as const), ...exchanges.map((e) => ['exchange', e] as const)]) {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      await (kind === 'queue' ? channel.deleteQueue(name) : channel.deleteExchange(name)).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await model.close().catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  for (const row of await benchGateway()) console.log(`${row.name}: ${row.value} ${row.unit}${row.ratio === undefined ? '' : ` (${row.ratio}×)`}`);
}
