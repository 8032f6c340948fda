// The servers bench/rpc.ts measures against, run in their own process (own core):
// a TCE echo server (TCP and WebSocket), raw length-prefixed TCP echo, raw ws echo and a
// grpc-js unary echo. Prints one JSON line with their addresses, then serves until killed.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { WebSocketServer } from 'ws';
import { serve } from '../electron/transports/serve.js';
import { Adapter } from '../shared/rpc/adapter.js';
import { RpcServer } from '../shared/rpc/server.js';
import { OperationTable } from '../shared/rpc/servant.js';

export interface BenchPeerAddresses {
  tceTcp: string;
  tceWs: string;
  rawTcpPort: number;
  rawWsUrl: string;
  grpcAddress: string;
}

/** grpc-js without .proto files: the payload travels as raw bytes both ways. */
export const grpcEchoService = {
  echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
} satisfies grpc.ServiceDefinition;

/** test.Server.echo (ifidx 2, opidx 0), answering with the text it got. */
function echoTable(): OperationTable {
  const table = new OperationTable();
  table.add(2, 0, 'test.Server.echo', (params, _ctx, out) => void out.string(params.string()), { returnsValue: true });
  return table;
}

async function main(): Promise<void> {
  const server = new RpcServer({ adapter: new Adapter().add(echoTable()) });
  const tceTcp = await serve(server, 'tcp://127.0.0.1:0');
  const tceWs = await serve(server, 'ws://127.0.0.1:0');

  const rawTcp = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
  });
  await new Promise<void>((resolve) => rawTcp.listen(0, '127.0.0.1', resolve));

  const rawWs = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  rawWs.on('connection', (ws) => ws.on('message', (data: Buffer) => ws.send(data)));
  await new Promise<void>((resolve) => rawWs.once('listening', resolve));

  const grpcServer = new grpc.Server();
  grpcServer.addService(grpcEchoService, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, done: grpc.sendUnaryData<Buffer>) => done(null, call.request),
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );

  const addresses: BenchPeerAddresses = {
    tceTcp: tceTcp.url,
    tceWs: tceWs.url,
    rawTcpPort: (rawTcp.address() as net.AddressInfo).port,
    rawWsUrl: `ws://127.0.0.1:${(rawWs.address() as net.AddressInfo).port}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
  };
  process.stdout.write(`${JSON.stringify(addresses)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main();
