// Real servers and raw clients for the RPC transport tests.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { WebSocket } from 'ws';
import { Adapter, type AdapterOptions } from '../../shared/rpc/adapter.js';
import { callerTarget } from '../../shared/rpc/peer.js';
import { RpcServer, type RpcServerOptions } from '../../shared/rpc/server.js';
import type { CallContext } from '../../shared/rpc/servant.js';
import { OperationTable } from '../../shared/rpc/servant.js';
import { decodeMessage, type RpcMessage } from '../../shared/wire/message.js';
import { serve, type ListenOptions } from '../../electron/transports/serve.js';
import { ITerminalProxy, ServerServant } from './test-idl.js';
import { fromHex } from './hex.js';

export type Transport = 'tcp' | 'ws' | 'tls' | 'wss';

export const tlsFiles = {
  key: readFileSync(new URL('./test-key.pem', import.meta.url), 'utf8'),
  cert: readFileSync(new URL('./test-cert.pem', import.meta.url), 'utf8'),
};

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The cluster example's Server (spec background): echo answers "Yah! " + text. */
export class TestServer extends ServerServant {
  readonly heartbeats: { hello: string; userId: string | undefined; calltype: number }[] = [];
  readonly echoContexts: CallContext[] = [];

  echo(text: string, ctx: CallContext): string {
    this.echoContexts.push(ctx);
    if (ctx.extra['reply-with'] !== undefined) ctx.replyExtra['answer'] = ctx.extra['reply-with'];
    return 'Yah! ' + text;
  }
  async timeout(secs: number): Promise<void> {
    // Capped: fuzzed calls must not park the server for years.
    await sleep(Math.min(Math.max(secs, 0), 5) * 1000);
  }
  heartbeat(hello: string, ctx: CallContext): void {
    this.heartbeats.push({ hello, userId: ctx.userId, calltype: ctx.message.calltype });
  }
  bidirection(ctx: CallContext): void {
    new ITerminalProxy(callerTarget(ctx)).onMessageOneway('server push message!');
  }
  datetime(): string {
    return new Date(0).toISOString();
  }
}

/**
 * A test-only interface (ifidx 9) for results the cluster IDL lacks: falsy values and a
 * throwing method. Written the way generated code is.
 */
export const PROBE_IFIDX = 9;
export const probeTable = (): OperationTable => {
  const table = new OperationTable();
  table.add(PROBE_IFIDX, 0, 'test.Probe.empty', (_p, _ctx, out) => void out.string(''), { returnsValue: true });
  table.add(PROBE_IFIDX, 1, 'test.Probe.zero', (_p, _ctx, out) => void out.i32(0), { returnsValue: true });
  table.add(PROBE_IFIDX, 2, 'test.Probe.fail', () => {
    throw new Error('servant failure on purpose');
  });
  table.add(PROBE_IFIDX, 3, 'test.Probe.failLater', async () => {
    await sleep(1);
    throw new Error('async servant failure on purpose');
  });
  return table;
};

export interface RunningServer {
  server: RpcServer;
  servant: TestServer;
  url: string;
  close(): Promise<void>;
}

export async function startTestServer(
  transport: Transport,
  options: Partial<RpcServerOptions> & ListenOptions & { adapterOptions?: AdapterOptions } = {},
): Promise<RunningServer> {
  const servant = new TestServer();
  const adapter = options.adapter ?? new Adapter(options.adapterOptions).add(servant).add(probeTable());
  const server = new RpcServer({ ...options, adapter });
  const secure = transport === 'tls' || transport === 'wss';
  const listener = await serve(server, `${transport}://127.0.0.1:0`, {
    maxFrameSize: options.maxFrameSize,
    maxWriteBuffer: options.maxWriteBuffer,
    frameTimeout: options.frameTimeout,
    tls: secure ? tlsFiles : undefined,
  });
  return { server, servant, url: listener.url, close: () => server.close() };
}

/** A client that speaks bytes, not RPC: to check what really crosses the wire. */
export interface RawClient {
  /** Writes bytes; over WebSocket each chunk is one message. */
  write(...chunks: Uint8Array[]): void;
  /** The next decoded frame, or rejects after `ms`. */
  next(ms?: number): Promise<{ message: RpcMessage; frame: Uint8Array }>;
  /** Frames received and not yet taken by next(). */
  readonly received: { message: RpcMessage; frame: Uint8Array }[];
  readonly closed: Promise<void>;
  readonly isClosed: boolean;
  close(): void;
}

export async function openRaw(url: string): Promise<RawClient> {
  let pending = new Uint8Array(0);
  const received: { message: RpcMessage; frame: Uint8Array }[] = [];
  let wake: (() => void) | undefined;
  let isClosed = false;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  // Splits frames by hand (no FrameParser): keeps the exact bytes the server sent.
  const onBytes = (chunk: Uint8Array): void => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 8) {
      const size = new DataView(pending.buffer, pending.byteOffset).getUint32(4);
      if (pending.length < size + 4) break;
      const frame = pending.slice(0, size + 4);
      pending = pending.slice(size + 4);
      received.push({ message: decodeMessage(frame.subarray(14)), frame });
    }
    wake?.();
  };
  const onClose = (): void => {
    isClosed = true;
    markClosed();
    wake?.();
  };
  let write: (chunks: Uint8Array[]) => void;
  let close: () => void;
  if (url.startsWith('ws')) {
    const ws = new WebSocket(url, { rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => onBytes(data));
    ws.on('close', onClose);
    write = (chunks) => chunks.forEach((c) => ws.send(c));
    close = () => ws.terminate();
  } else {
    const { port } = new URL(url.replace(/^tcp/, 'http'));
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => {});
    socket.on('data', onBytes);
    socket.on('close', onClose);
    write = (chunks) => chunks.forEach((c) => socket.write(c));
    close = () => socket.destroy();
  }
  return {
    write: (...chunks) => write(chunks),
    received,
    closed,
    get isClosed() {
      return isClosed;
    },
    close: () => close(),
    async next(ms = 2_000) {
      const deadline = Date.now() + ms;
      while (received.length === 0) {
        if (isClosed) throw new Error('connection closed before a frame arrived');
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no frame within ${ms} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, left);
        });
      }
      return received.shift()!;
    },
  };
}

/** V2's shape (Java-style RETURN: no extra echoed, paramsize 1) with our echo's value. */
export const V1_REPLY = fromHex(`ef d2 bb 99 00 00 00 2d 00 00 00 00 01 00 01 00
  00 00 01 02 00 02 00 00 00 00 00 00 01 00 00 00
  00 00 00 00 00 00 0a 59 61 68 21 20 68 65 6c 6c 6f`);
