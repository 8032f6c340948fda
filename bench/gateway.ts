// The gateway path of the cluster example: TCP client → gateway → RabbitMQ → sample back end →
// RabbitMQ → gateway → client, echo("hello"), sequentially and IN_FLIGHT at a time. Gateway and
// back end run in child processes (bench/gateway-peer.ts); the reference is raw amqplib
// request/reply between two processes (bench/amqp.ts), measured in alternating rounds. The gateway
// reports its CPU time over IPC, which gives its CPU cost per call.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ServerProxy } from '../electron/sample-server/generated/test.js';
import { createClient } from '../electron/transports/dial.js';
import { AMQP_URL, measureRequester, removeNodes, startAmqpEcho } from './amqp.js';
import { IN_FLIGHT, alternate, measure, pairRows, row, versusRow, type Measurement, type Pair } from './measure.js';
import { copyCluster } from '../support/cluster-copy.js';
import type { PeerMessage } from './gateway-peer.js';
import type { BenchRow } from './types.js';

/** Per mode and round. */
const MEASURE_MS = 1_000;

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

/** One pair of measurements through the gateway, with its CPU cost per call in each mode. */
interface GatewayRound {
  pair: Pair;
  /** Gateway CPU per call, µs: sequential, in flight (warm-up calls on both sides of the ratio). */
  cpuPerCall: [number, number];
}

async function gatewayRound(
  gateway: Peer,
  echo: () => Promise<void>,
  counter: { calls: number },
): Promise<GatewayRound> {
  const cpuPerCall = async (concurrency: number): Promise<[Measurement, number]> => {
    const cpu0 = await gateway.cpu();
    const calls0 = counter.calls;
    const result = await measure(echo, concurrency, { measureMs: MEASURE_MS });
    return [result, Math.round(((await gateway.cpu()) - cpu0) / (counter.calls - calls0))];
  };
  const [seq, seqCpu] = await cpuPerCall(1);
  const [par, parCpu] = await cpuPerCall(IN_FLIGHT);
  return { pair: [seq, par], cpuPerCall: [seqCpu, parCpu] };
}

export async function benchGateway(): Promise<BenchRow[]> {
  const echoRef = await startAmqpEcho({ guaranteed: true });
  const files = copyCluster(`tce-bench-gw-${process.pid}`);
  const peers: Peer[] = [];
  const closing: (() => Promise<void>)[] = [];
  try {
    peers.push(await startPeer('backend', files.configYml));
    const gateway = await startPeer('gateway', files.servicesXml);
    peers.push(gateway);
    const rpc = createClient(gateway.url!);
    closing.push(() => rpc.close());
    const proxy = new ServerProxy(rpc);
    const counter = { calls: 0 };
    const echo = async (): Promise<void> => {
      await proxy.echo('hello');
      counter.calls++;
    };
    await echo();
    const r = await alternate({
      gateway: () => gatewayRound(gateway, echo, counter),
      raw: () => measureRequester(echoRef.rawRequester, MEASURE_MS),
      relay: () => measureRequester(echoRef.relayRequester, MEASURE_MS),
      guaranteed: () => measureRequester(echoRef.guaranteedRelayRequester, MEASURE_MS),
    });
    const pairs = r.gateway.map((g) => g.pair);
    const reference = { name: 'raw amqplib request/reply', pairs: r.raw };
    const label = 'gateway echo (TCP → gateway → RabbitMQ → back end)';
    const relayLabel = 'raw TCP → amqplib relay (the floor of a gateway)';
    const guaranteedLabel =
      "raw TCP → amqplib relay with the gateway's guarantees (confirms, persistent, ack after confirm)";
    const guaranteedFloor = { name: 'the guaranteed relay', pairs: r.guaranteed };
    return [
      versusRow(label, 'inFlight', pairs, reference, 0.7),
      versusRow(label, 'sequential', pairs, reference, 0.9),
      versusRow(relayLabel, 'sequential', r.relay, reference),
      versusRow(label, 'sequential', pairs, { name: relayLabel, pairs: r.relay }),
      versusRow(guaranteedLabel, 'sequential', r.guaranteed, reference),
      versusRow(guaranteedLabel, 'inFlight', r.guaranteed, reference),
      versusRow(label, 'sequential', pairs, guaranteedFloor),
      versusRow(label, 'inFlight', pairs, guaranteedFloor),
      ...pairRows(label, pairs),
      row(
        'gateway CPU per call, sequential',
        'µs',
        r.gateway.map((g) => g.cpuPerCall[0]),
      ),
      row(
        `gateway CPU per call, ${IN_FLIGHT} in flight`,
        'µs',
        r.gateway.map((g) => g.cpuPerCall[1]),
      ),
      ...pairRows('raw amqplib request/reply (reference)', r.raw),
      ...pairRows(relayLabel, r.relay),
      ...pairRows(guaranteedLabel, r.guaranteed),
    ];
  } finally {
    for (const close of closing.reverse()) await close();
    for (const peer of peers) peer.child.disconnect();
    await Promise.all(peers.filter((p) => p.child.exitCode === null).map((p) => once(p.child, 'exit')));
    await echoRef.stop();
    await removeNodes(files.queues, files.exchanges);
    files.removeFiles();
  }
}
