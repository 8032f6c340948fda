import http from 'node:http';
import https from 'node:https';
import { WebSocket, WebSocketServer } from 'ws';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { DEFAULT_MAX_FRAME } from '../../shared/wire/frame.js';
import { formatEndpointUrl, parseEndpointUrl } from './endpoint-url.js';
import { StreamConnection, type StreamOptions } from './stream.js';
import {
  DEFAULT_CONNECT_TIMEOUT,
  bindListener,
  type StreamListener,
  type TlsClientOptions,
  type TlsServerOptions,
} from './tcp.js';
import { messageOf } from '../../shared/message-of.js';

export interface WsListenOptions extends StreamOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Serve wss:// with this key and certificate. */
  tls?: TlsServerOptions;
}

export interface WsConnectOptions extends StreamOptions {
  /** For wss:// URLs. */
  tls?: TlsClientOptions;
  /** Milliseconds to wait for the handshake. Default 10 000. */
  connectTimeout?: number;
}

/** ws closes with 1009 when a message exceeds maxPayload: the peer broke the frame limit. */
const MESSAGE_TOO_BIG = 1009;

/**
 * A StreamConnection over a WebSocket. WS message boundaries mean nothing (spec §3.3): every
 * binary message is appended to the frame stream, so tce.js's header-then-body pairs work.
 * A batch is sent as messages of at most one frame limit each, which any TCE server reads.
 */
function wrapWebSocket(
  ws: WebSocket,
  transport: 'ws' | 'wss',
  remote: string,
  options: StreamOptions,
): StreamConnection {
  const slice = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
  const connection = new StreamConnection(
    {
      write: (bytes) => {
        for (let at = 0; at < bytes.length; at += slice) ws.send(bytes.subarray(at, at + slice));
      },
      get buffered() {
        return ws.bufferedAmount;
      },
      end: () => ws.close(1000),
      destroy: () => ws.terminate(),
    },
    transport,
    remote,
    options,
  );
  let lastError: Error | undefined;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) connection.receive(new Uint8Array(data.buffer, data.byteOffset, data.length));
    else connection.abort('protocol', 'a text WebSocket message: TCE uses binary messages only');
  });
  ws.on('error', (error) => (lastError = error));
  ws.on('close', (code: number, reason: Buffer) => {
    const why =
      lastError?.message ??
      `WebSocket closed by the peer (code ${code}${reason.length ? `, ${reason.toString()}` : ''})`;
    connection.ended({ kind: code === MESSAGE_TOO_BIG ? 'protocol' : 'remote', message: why });
  });
  return connection;
}

/** Listens for WebSocket connections on any path (spec §3.3); `tls` makes it wss. */
export function listenWs(
  options: WsListenOptions,
  onConnection: (connection: StreamConnection) => void,
): Promise<StreamListener> {
  const transport = options.tls ? 'wss' : 'ws';
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert })
    : http.createServer();
  server.on('request', (_request, response: http.ServerResponse) => {
    response
      .writeHead(426, { 'content-type': 'text/plain', connection: 'close' })
      .end('This is a TCE WebSocket endpoint: connect with a WebSocket client.\n');
  });
  const maxFrame = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
  // Clients may put several frames in one message; allow two frames' worth.
  const wss = new WebSocketServer({ server, perMessageDeflate: false, maxPayload: 2 * (maxFrame + 4) });
  wss.on('error', () => {
    // Errors of the underlying HTTP server surface through listen() and the sockets.
  });
  wss.on('connection', (ws, request) => {
    const socket = request.socket;
    const remote = formatEndpointUrl(
      transport,
      socket.remoteAddress ?? '?',
      socket.remotePort ?? 0,
      request.url ?? '/',
    );
    onConnection(wrapWebSocket(ws, transport, remote, options));
  });
  const host = options.host ?? '127.0.0.1';
  return bindListener(server, transport, host, options.port ?? 0, '/').then((listener) => ({
    ...listener,
    close: async () => {
      // Stop accepting; open WebSockets stay with their owners.
      server.close();
    },
  }));
}

/** Dials `ws://host:port[/path]` or `wss://…`. Rejects with RpcError 102 CONNECT_FAILED. */
export function connectWs(url: string, options: WsConnectOptions = {}): Promise<StreamConnection> {
  let transport: 'ws' | 'wss';
  try {
    const parsed = parseEndpointUrl(url);
    if (parsed.transport !== 'ws' && parsed.transport !== 'wss')
      throw new Error(`connectWs: ${url} is not a ws:// or wss:// URL`);
    transport = parsed.transport;
  } catch (error) {
    return Promise.reject(new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error)));
  }
  const maxFrame = options.maxFrameSize ?? DEFAULT_MAX_FRAME;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      maxPayload: 2 * (maxFrame + 4),
      handshakeTimeout: options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT,
      ca: options.tls?.ca,
      rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
    });
    const fail = (why: string): void => {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(new RpcError(ErrorCode.CONNECT_FAILED, `cannot connect to ${url}: ${why}`));
    };
    ws.once('error', (error) => fail(error.message));
    ws.once('unexpected-response', (_request, response) =>
      fail(`HTTP ${response.statusCode} instead of a WebSocket upgrade`),
    );
    ws.once('open', () => {
      ws.removeAllListeners();
      resolve(wrapWebSocket(ws, transport, url, options));
    });
  });
}
