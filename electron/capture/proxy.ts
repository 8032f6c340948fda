import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { ErrorCode } from '../../shared/rpc/errors.js';
import { CallType, rpcMessage } from '../../shared/wire/message.js';
import { formatEndpointUrl, parseEndpointUrl, type EndpointUrl } from '../transports/endpoint-url.js';
import { bindListener, DEFAULT_CONNECT_TIMEOUT, type TlsClientOptions } from '../transports/tcp.js';
import { identity } from '../host/feed/correlation.js';
import type { Feed } from '../host/feed/feed.js';
import { FrameObserver } from './frame-observer.js';
import { ProxyRecorder } from './proxy-recorder.js';
import type { Log } from '../../shared/log.js';

export interface ProxyOptions {
  /** Names the proxy in the feed's scopes and the log. */
  id: string;
  /** `tcp://host:port` in front of a tcp:// or tls:// upstream, `ws://host:port` in front of ws:// or wss://; port 0 = any free one. */
  listen: string;
  upstream: string;
  /** The entries' endpoint: the project endpoint's name, or the upstream URL. */
  endpoint: string;
  /** The project's gateway behind the upstream, if any: lets entries be keyed as that gateway keys them. */
  gateway?: string | undefined;
  feed: Feed;
  log: Log;
  /** How tls:// and wss:// upstreams are checked. */
  tls?: TlsClientOptions;
  /** Largest frame the observer follows (default 1 MiB); larger ones still pass, unobserved from there on. */
  maxFrameSize?: number;
  /** Called whenever the counters change (at most as often as frames pass). */
  changed?: () => void;
}

export interface ProxyCounters {
  /** Client connections accepted. */
  accepted: number;
  /** Client connections open now. */
  open: number;
  /** Frames recorded, both directions. */
  frames: number;
  /** Bytes from clients to the upstream, and back. */
  bytesIn: number;
  bytesOut: number;
  /** Client connections closed because the upstream could not be reached. */
  upstreamFailures: number;
}

/** Bytes a WebSocket may hold unsent before the other side is paused (the TCP side uses pipe()'s marks). */
const WS_HIGH_WATER = 1024 * 1024;
/** How long one side of a closed pair may take to flush before it is dropped. */
const CLOSE_GRACE_MS = 5_000;

interface PairSides {
  /** Feeds a chunk read from the client / the upstream into the observers and counters. */
  fromClient(chunk: Uint8Array): void;
  fromUpstream(chunk: Uint8Array): void;
  /** The upstream could not be reached: recorded, logged, and the client is closed by the caller. */
  unreachable(reason: string): void;
  closed(): void;
}

/**
 * A recording proxy: listens on a local address and forwards every connection to one upstream
 * (TCP/TLS or WebSocket) byte for byte both ways — chunks are written on exactly as read, WebSocket
 * messages as the same messages — while a FrameObserver per direction records each frame in the
 * feed (hop `proxy`, peer = the client's address). Nothing is re-encoded, so partial frames,
 * compressed frames and messages this code does not know pass untouched. Buffering is bounded:
 * a side that cannot write pauses the side that reads.
 */
export class RecordingProxy {
  readonly counters: ProxyCounters = {
    accepted: 0,
    open: 0,
    frames: 0,
    bytesIn: 0,
    bytesOut: 0,
    upstreamFailures: 0,
  };
  /** The last upstream failure, for the UI. */
  lastError: string | undefined;
  /** How to drop each socket still open, for close(). */
  private readonly closers = new Set<() => void>();
  private connections = 0;
  private listening: { url: string; close(): Promise<void> } | undefined;

  private constructor(
    private readonly options: ProxyOptions,
    private readonly upstream: EndpointUrl,
  ) {}

  /** Where clients connect instead of the upstream, with the real port. */
  get listenUrl(): string {
    return this.listening?.url ?? this.options.listen;
  }

  /** Binds the listener; rejects with a clear Error for URLs that do not fit together. */
  static async start(options: ProxyOptions): Promise<RecordingProxy> {
    const upstream = parseEndpointUrl(options.upstream);
    const listen = parseEndpointUrl(options.listen);
    const webSocket = upstream.transport === 'ws' || upstream.transport === 'wss';
    const expected = webSocket ? 'ws' : 'tcp';
    if (listen.transport !== expected)
      throw new Error(
        `the proxy listens as ${expected}:// in front of ${upstream.transport}:// (${options.upstream}), not ${listen.transport}://`,
      );
    const proxy = new RecordingProxy(options, upstream);
    const server = webSocket ? http.createServer() : net.createServer({ noDelay: true });
    if (webSocket) {
      const wss = new WebSocketServer({ server: server as http.Server, perMessageDeflate: false, maxPayload: 0 });
      wss.on('error', () => {
        // Errors of the HTTP server surface through listen() and the sockets.
      });
      wss.on('connection', (ws, request) => proxy.acceptWs(ws, request));
    } else server.on('connection', (socket: net.Socket) => proxy.acceptTcp(socket));
    proxy.listening = await bindListener(server, listen.transport, listen.host, listen.port, webSocket ? '/' : '');
    return proxy;
  }

  get upstreamUrl(): string {
    return this.options.upstream;
  }

  /** Stops listening and closes every proxied connection. */
  async close(): Promise<void> {
    await this.listening?.close();
    for (const destroy of this.closers) destroy();
    this.closers.clear();
  }

  private pair(peer: string): PairSides {
    const { feed, endpoint, gateway } = this.options;
    const scope = `proxy:${this.options.id}:${++this.connections}`;
    const recorder = new ProxyRecorder({ feed, scope, endpoint, peer, gateway });
    const counters = this.counters;
    counters.accepted++;
    counters.open++;
    // One line per connection for messages of unknown types: a peer that speaks them speaks them often.
    let unknownLogged = false;
    const observer = (direction: 'in' | 'out'): FrameObserver =>
      new FrameObserver(
        {
          frame: (frame) => {
            counters.frames++;
            recorder.record(direction, frame);
          },
          unknown: (reason) => {
            if (unknownLogged) return;
            unknownLogged = true;
            this.options.log('warn', `proxy ${this.listenUrl}: ${peer}: ${reason}; such messages pass on as they are`);
          },
          lost: (reason) =>
            this.options.log(
              'warn',
              `proxy ${this.listenUrl}: ${peer} (${direction === 'in' ? 'client → upstream' : 'upstream → client'}): ${reason}; bytes still pass, frames are no longer recorded`,
            ),
        },
        this.options.maxFrameSize,
      );
    const inbound = observer('in');
    const outbound = observer('out');
    let closed = false;
    return {
      fromClient: (chunk) => {
        counters.bytesIn += chunk.length;
        inbound.observe(chunk);
        this.options.changed?.();
      },
      fromUpstream: (chunk) => {
        counters.bytesOut += chunk.length;
        outbound.observe(chunk);
        this.options.changed?.();
      },
      unreachable: (reason) => {
        counters.upstreamFailures++;
        this.lastError = `${this.options.upstream} unreachable: ${reason}`;
        const note = `upstream ${this.options.upstream} unreachable (${reason}): client ${peer} closed by the proxy`;
        this.options.log('warn', `proxy ${this.listenUrl}: ${note}`);
        // Not a message from the wire: the proxy's own word that this client's connection failed.
        feed.record(
          {
            hop: 'proxy',
            direction: 'out',
            endpoint,
            peer,
            note,
            message: rpcMessage({ calltype: CallType.RETURN, errcode: ErrorCode.CONNECT_FAILED }),
            raw: new Uint8Array(0),
          },
          { scope, user: '', who: identity(undefined, scope), push: false },
        );
      },
      closed: () => {
        if (closed) return;
        closed = true;
        counters.open--;
        this.options.changed?.();
      },
    };
  }

  private track(destroy: () => void, socket: { once(event: 'close', listener: () => void): unknown }): void {
    this.closers.add(destroy);
    socket.once('close', () => this.closers.delete(destroy));
  }

  private acceptTcp(client: net.Socket): void {
    const sides = this.pair(formatEndpointUrl('tcp', client.remoteAddress ?? '?', client.remotePort ?? 0));
    const { host, port, transport } = this.upstream;
    const upstream =
      transport === 'tls'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.options.tls })
        : net.connect({ host, port });
    this.track(() => client.destroy(), client);
    this.track(() => upstream.destroy(), upstream);
    upstream.setNoDelay(true);
    let connected = false;
    const timer = setTimeout(() => upstream.destroy(new Error('connect timed out')), DEFAULT_CONNECT_TIMEOUT);
    upstream.once(transport === 'tls' ? 'secureConnect' : 'connect', () => {
      connected = true;
      clearTimeout(timer);
    });
    // pipe(): each side's writes pause the other side's reads past the high-water mark. Piped
    // first, so a chunk is on its way before it is recorded: watching adds no latency.
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => sides.fromClient(chunk));
    upstream.on('data', (chunk: Buffer) => sides.fromUpstream(chunk));
    upstream.on('error', (error: Error) => {
      clearTimeout(timer);
      if (!connected) sides.unreachable(error.message);
      client.destroy();
    });
    client.on('error', () => upstream.destroy());
    const closeBoth = (other: net.Socket): void => {
      sides.closed();
      other.end();
      setTimeout(() => other.destroy(), CLOSE_GRACE_MS).unref();
    };
    client.once('close', () => closeBoth(upstream));
    upstream.once('close', () => {
      clearTimeout(timer);
      closeBoth(client);
    });
  }

  private acceptWs(client: WebSocket, request: http.IncomingMessage): void {
    const socket = request.socket;
    const sides = this.pair(
      formatEndpointUrl('ws', socket.remoteAddress ?? '?', socket.remotePort ?? 0, request.url ?? '/'),
    );
    // An upstream URL without a path takes the client's: the proxy stands in for the whole server.
    const { transport, host, port, path } = this.upstream;
    const target =
      path === '/' && request.url !== undefined && request.url !== '/'
        ? formatEndpointUrl(transport, host, port, request.url)
        : this.options.upstream;
    const upstream = new WebSocket(target, {
      perMessageDeflate: false,
      maxPayload: 0,
      handshakeTimeout: DEFAULT_CONNECT_TIMEOUT,
      ca: this.options.tls?.ca,
      rejectUnauthorized: this.options.tls?.rejectUnauthorized ?? true,
    });
    this.track(() => client.terminate(), client);
    this.track(() => upstream.terminate(), upstream);
    // Nothing goes to an upstream that is not open yet: the client waits (bounded: it is paused).
    client.pause();
    let opened = false;
    upstream.once('open', () => {
      opened = true;
      client.resume();
    });
    const forward = (from: WebSocket, to: WebSocket, observe: (chunk: Uint8Array) => void) => {
      from.on('message', (data: RawData, isBinary: boolean) => {
        const bytes = toBytes(data);
        to.send(bytes, { binary: isBinary }, () => {
          if (from.isPaused && to.bufferedAmount < WS_HIGH_WATER / 2) from.resume();
        });
        if (to.bufferedAmount >= WS_HIGH_WATER) from.pause();
        if (isBinary) observe(bytes);
      });
    };
    forward(client, upstream, (chunk) => sides.fromClient(chunk));
    forward(upstream, client, (chunk) => sides.fromUpstream(chunk));
    let upstreamError: string | undefined;
    upstream.on('error', (error) => (upstreamError = error.message));
    upstream.on('unexpected-response', (_request, response) => {
      upstreamError = `HTTP ${response.statusCode} instead of a WebSocket upgrade`;
      upstream.terminate();
    });
    client.on('error', () => upstream.terminate());
    upstream.once('close', (code: number, reason: Buffer) => {
      if (!opened) {
        sides.unreachable(upstreamError ?? `closed before the handshake (code ${code})`);
        client.close(1011, 'upstream unreachable');
      } else client.close(closeCode(code), reason.toString());
      setTimeout(() => client.terminate(), CLOSE_GRACE_MS).unref();
    });
    client.once('close', (code: number, reason: Buffer) => {
      sides.closed();
      if (upstream.readyState === WebSocket.CONNECTING) upstream.terminate();
      else upstream.close(closeCode(code), reason.toString());
      setTimeout(() => upstream.terminate(), CLOSE_GRACE_MS).unref();
    });
  }
}

/** A close code one may send on: 1005/1006 are only ever reported, never sent. */
function closeCode(code: number): number {
  return code === 1005 || code === 1006 || code < 1000 ? 1000 : code;
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
