// Two-way echo throughput and latency: TCE over TCP and WebSocket against the physical
// limits (raw length-prefixed TCP echo, raw ws echo) and against @grpc/grpc-js unary calls.
// Servers run in a child process (bench/rpc-peer.ts), clients here: one core each.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { WebSocket } from 'ws';
import { createClient } from '../electron/transports/dial.js';
import { Proxy } from '../shared/rpc/proxy.js';
import type { CallTarget } from '../shared/rpc/call.js';
import { grpcEchoService, type BenchPeerAddresses } from './rpc-peer.js';
import { FifoReplies, IN_FLIGHT, measurePair, pairRows, ratio, type Pair } from './measure.js';
import type { BenchRow } from './types.js';

const TEXT = 'hello';
/** The size of a TCE echo("hello") frame, so raw references move the same bytes. */
const RAW_PAYLOAD = 40;
const MEASURE_MS = 2_000;

class EchoProxy extends Proxy {
  echo(text: string): Promise<string> {
    return this.invoke(2, 0, 1, (w) => w.string(text), (r) => r.string());
  }
}

/** Raw length-prefixed TCP echo, batching writes per event-loop turn like the TCE client does. */
async function rawTcpClient(port: number): Promise<{ call: () => Promise<void>; close: () => void }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  const message = Buffer.alloc(4 + RAW_PAYLOAD);
  message.writeUInt32BE(RAW_PAYLOAD);
  const replies = new FifoReplies();
  let buffered: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    let at = 0;
    while (buffered.length - at >= 4) {
      const size = 4 + buffered.readUInt32BE(at);
      if (buffered.length - at < size) break;
      at += size;
      replies.settle();
    }
    buffered = buffered.subarray(at);
  });
  let batch: Buffer[] = [];
  const flush = (): void => {
    socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
    batch = [];
  };
  return {
    call: () => {
      if (batch.push(message) === 1) setImmediate(flush);
      return replies.next();
    },
    close: () => socket.destroy(),
  };
}

async function rawWsClient(url: string): Promise<{ call: () => Promise<void>; close: () => void }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await once(ws, 'open');
  const replies = new FifoReplies();
  ws.on('message', () => replies.settle());
  const message = Buffer.alloc(RAW_PAYLOAD + 4);
  return {
    call: () => {
      ws.send(message);
      return replies.next();
    },
    close: () => ws.terminate(),
  };
}

function grpcClient(address: string): { call: () => Promise<void>; close: () => void } {
  const Client = grpc.makeGenericClientConstructor(grpcEchoService, 'Echo');
  const client = new Client(address, grpc.credentials.createInsecure());
  const message = Buffer.alloc(RAW_PAYLOAD);
  const echo = client['echo'] as (request: Buffer, done: (error: grpc.ServiceError | null) => void) => void;
  return {
    call: () => new Promise<void>((resolve, reject) => echo.call(client, message, (error) => (error ? reject(error) : resolve()))),
    close: () => client.close(),
  };
}

async function startPeers(): Promise<{ addresses: BenchPeerAddresses; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./rpc-peer.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const addresses = await new Promise<BenchPeerAddresses>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench peer exited with code ${code}`)));
    child.stdout.on('data', (data: string) => {
      output += data;
      if (output.includes('\n')) resolve(JSON.parse(output.split('\n')[0]!) as BenchPeerAddresses);
    });
  });
  return { addresses, stop: () => child.kill() };
}

async function tceMeasurements(url: string): Promise<Pair> {
  const client = createClient(url);
  const proxy = new EchoProxy(client as CallTarget);
  const pair = await measurePair(() => proxy.echo(TEXT), { measureMs: MEASURE_MS });
  await client.close();
  return pair;
}

async function referenceMeasurements(client: { call: () => Promise<void>; close: () => void }): Promise<Pair> {
  const pair = await measurePair(client.call, { measureMs: MEASURE_MS });
  client.close();
  return pair;
}


export async function benchRpc(): Promise<BenchRow[]> {
  const peers = await startPeers();
  try {
    const { addresses } = peers;
    // grpc-js last: its server keeps timers and buffers that would disturb what follows.
    const tceTcp = await tceMeasurements(addresses.tceTcp);
    const rawTcp = await referenceMeasurements(await rawTcpClient(addresses.rawTcpPort));
    const tceWs = await tceMeasurements(addresses.tceWs);
    const rawWs = await referenceMeasurements(await rawWsClient(addresses.rawWsUrl));
    const grpcJs = await referenceMeasurements(grpcClient(addresses.grpcAddress));
    return [
      {
        name: `rpc echo over TCP, ${IN_FLIGHT} in flight, vs raw TCP echo`,
        value: tceTcp[1].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(tceTcp[1].callsPerSecond, rawTcp[1].callsPerSecond),
        goal: '≥ 0.5× raw length-prefixed TCP echo',
      },
      {
        name: `rpc echo over TCP, ${IN_FLIGHT} in flight, vs grpc-js`,
        value: tceTcp[1].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(tceTcp[1].callsPerSecond, grpcJs[1].callsPerSecond),
        goal: '≥ 20× @grpc/grpc-js unary echo',
      },
      {
        name: 'rpc echo over TCP, sequential, vs grpc-js',
        value: tceTcp[0].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(tceTcp[0].callsPerSecond, grpcJs[0].callsPerSecond),
      },
      {
        name: `rpc echo over WebSocket, ${IN_FLIGHT} in flight, vs raw ws echo`,
        value: tceWs[1].callsPerSecond,
        unit: 'calls/s',
        ratio: ratio(tceWs[1].callsPerSecond, rawWs[1].callsPerSecond),
        goal: '≥ 0.6× raw ws echo',
      },
      ...pairRows('rpc echo over TCP', tceTcp),
      ...pairRows('raw TCP echo', rawTcp),
      ...pairRows('grpc-js unary echo', grpcJs),
      ...pairRows('rpc echo over WebSocket', tceWs),
      ...pairRows('raw ws echo', rawWs),
    ];
  } finally {
    peers.stop();
  }
}
