// Two-way echo throughput and latency: TCE over TCP and WebSocket against the physical
// limits (raw length-prefixed TCP echo, raw ws echo) and against @grpc/grpc-js unary calls.
// Servers run in a child process (bench/rpc-peer.ts), clients here: one core each.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { WebSocket } from 'ws';
import { createClient } from '../electron/transports/dial.js';
import { Proxy } from '../shared/rpc/proxy.js';
import { grpcEchoService, type BenchPeerAddresses } from './rpc-peer.js';
import { FifoReplies, alternate, goals, measurePair, pairRows, versusRow, type Pair } from './measure.js';
import { RAW_PAYLOAD, rawTcpClient, type Contender } from './raw-tcp.js';
import type { BenchRow } from './types.js';

const TEXT = 'hello';
/** Per mode and round; the median of ROUNDS rounds evens out the rest. */
const MEASURE_MS = 1_000;
/** The in-flight p99 goal of TCE over TCP and WebSocket, µs (issue 14). */
const P99_GOAL_US = 1_000;

class EchoProxy extends Proxy {
  echo(text: string): Promise<string> {
    return this.invoke(
      2,
      0,
      1,
      (w) => w.string(text),
      (r) => r.string(),
    );
  }
}

async function rawWsClient(url: string): Promise<Contender> {
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

function grpcClient(address: string): Contender {
  const Client = grpc.makeGenericClientConstructor(grpcEchoService, 'Echo');
  const client = new Client(address, grpc.credentials.createInsecure());
  const message = Buffer.alloc(RAW_PAYLOAD);
  const echo = client['echo'] as (request: Buffer, done: (error: grpc.ServiceError | null) => void) => void;
  return {
    call: () =>
      new Promise<void>((resolve, reject) =>
        echo.call(client, message, (error) => (error ? reject(error) : resolve())),
      ),
    close: () => client.close(),
  };
}

export async function startPeers(): Promise<{ addresses: BenchPeerAddresses; stop: () => void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./rpc-peer.js', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

export function tceClient(url: string): Contender {
  const client = createClient(url);
  const proxy = new EchoProxy(client);
  return { call: () => proxy.echo(TEXT), close: () => client.close() };
}

const pairOf = (contender: Contender): Promise<Pair> => measurePair(contender.call, { measureMs: MEASURE_MS });

export async function benchRpc(): Promise<BenchRow[]> {
  const peers = await startPeers();
  const { addresses } = peers;
  const open: Contender[] = [];
  const opened = <C extends Contender>(c: C): C => (open.push(c), c);
  try {
    const tceTcp = opened(tceClient(addresses.tceTcp));
    const rawTcp = opened(await rawTcpClient(addresses.rawTcpPort));
    const tceWs = opened(tceClient(addresses.tceWs));
    const rawWs = opened(await rawWsClient(addresses.rawWsUrl));
    const r = await alternate({
      tceTcp: () => pairOf(tceTcp),
      rawTcp: () => pairOf(rawTcp),
      tceWs: () => pairOf(tceWs),
      rawWs: () => pairOf(rawWs),
      // A client per round, closed after it: grpc-js keeps timers and buffers that would disturb what follows.
      grpcJs: async () => {
        const grpcJs = grpcClient(addresses.grpcAddress);
        try {
          return await pairOf(grpcJs);
        } finally {
          grpcJs.close();
        }
      },
    });
    const rawTcpRef = { name: 'raw length-prefixed TCP echo', pairs: r.rawTcp };
    const grpcRef = { name: '@grpc/grpc-js unary echo', pairs: r.grpcJs };
    const p99 = goals.atMost(P99_GOAL_US, 'µs');
    return [
      versusRow('rpc echo over TCP', 'inFlight', r.tceTcp, rawTcpRef, 0.5),
      versusRow('rpc echo over TCP', 'sequential', r.tceTcp, rawTcpRef),
      versusRow('rpc echo over TCP', 'inFlight', r.tceTcp, grpcRef, 20),
      versusRow('rpc echo over TCP', 'sequential', r.tceTcp, grpcRef),
      versusRow('rpc echo over WebSocket', 'inFlight', r.tceWs, { name: 'raw ws echo', pairs: r.rawWs }, 0.6),
      ...pairRows('rpc echo over TCP', r.tceTcp, p99),
      ...pairRows('raw TCP echo', r.rawTcp),
      ...pairRows('grpc-js unary echo', r.grpcJs),
      ...pairRows('rpc echo over WebSocket', r.tceWs, p99),
      ...pairRows('raw ws echo', r.rawWs),
    ];
  } finally {
    for (const c of open) await c.close();
    peers.stop();
  }
}
