import net from 'node:net';
import tls from 'node:tls';
import type { StreamTransportKind } from '../../shared/rpc/connection.js';
import type { ConnectionListener } from '../../shared/rpc/server.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { formatEndpointUrl, parseEndpointUrl } from './endpoint-url.js';
import { StreamConnection, type StreamOptions } from './stream.js';
import { messageOf } from '../../shared/message-of.js';

/** PEM key and certificate of a TLS (or wss) server. */
export interface TlsServerOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

/** How a TLS (or wss) client checks the server. Certificates are verified unless told otherwise. */
export interface TlsClientOptions {
  /** Extra trusted CA certificates (PEM), e.g. a test server's self-signed certificate. */
  ca?: string | Buffer;
  /** false accepts any certificate, like the original Python and Java clients (spec §3.2). */
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** A listening TCP, TLS or WebSocket endpoint. */
export interface StreamListener extends ConnectionListener {
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
}

export interface TcpListenOptions extends StreamOptions {
  /** Default 127.0.0.1: exposing a port to the network is a choice to make explicitly. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  tls?: TlsServerOptions;
}

export interface TcpConnectOptions extends StreamOptions {
  host: string;
  port: number;
  /** Connect with TLS; `true` = verify against the system CAs. */
  tls?: TlsClientOptions | boolean;
  /** Milliseconds to wait for the connection (and TLS handshake). Default 10 000. */
  connectTimeout?: number;
}

export const DEFAULT_CONNECT_TIMEOUT = 10_000;
/** How long a closed connection waits for the peer to close its side before dropping it. */
const END_GRACE_MS = 5_000;

/** Wraps a connected socket in a StreamConnection; Nagle off, since every frame is a whole request. */
function wrapSocket(socket: net.Socket, transport: 'tcp' | 'tls', options: StreamOptions): StreamConnection {
  socket.setNoDelay(true);
  const remote = formatEndpointUrl(transport, socket.remoteAddress ?? '?', socket.remotePort ?? 0);
  const connection = new StreamConnection(
    {
      write: (bytes) => socket.write(bytes),
      get buffered() {
        return socket.writableLength;
      },
      end: () => {
        socket.end();
        // A peer that never closes its side must not keep the socket forever.
        setTimeout(() => socket.destroy(), END_GRACE_MS).unref();
      },
      destroy: () => socket.destroy(),
    },
    transport,
    remote,
    options,
  );
  let lastError: Error | undefined;
  // A plain Uint8Array view: slicing frames out of it is cheaper than out of a Buffer.
  socket.on('data', (chunk: Buffer) =>
    connection.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
  );
  socket.on('error', (error) => (lastError = error));
  socket.on('close', () =>
    connection.ended({ kind: 'remote', message: lastError ? lastError.message : 'closed by the peer' }),
  );
  return connection;
}

/** Listens for TCP (or, with `tls`, TLS) connections carrying meta frames (spec §3.1, §3.2). */
export function listenTcp(
  options: TcpListenOptions,
  onConnection: (connection: StreamConnection) => void,
): Promise<StreamListener> {
  const transport = options.tls ? 'tls' : 'tcp';
  const accept = (socket: net.Socket): void => onConnection(wrapSocket(socket, transport, options));
  const server = options.tls
    ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, accept)
    : net.createServer(accept);
  // A failed TLS handshake concerns that client only.
  server.on('tlsClientError', (_error: Error, socket: tls.TLSSocket) => socket.destroy());
  return bindListener(server, transport, options.host ?? '127.0.0.1', options.port ?? 0, '');
}

/** Binds a net/tls/http server and describes it as a StreamListener. */
export function bindListener(
  server: net.Server,
  transport: StreamTransportKind,
  host: string,
  port: number,
  path: string,
): Promise<StreamListener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      resolve({
        url: formatEndpointUrl(transport, host, address.port, path),
        host,
        port: address.port,
        // Connections already accepted stay open: their owner closes them.
        close: () =>
          new Promise<void>((done) => {
            server.close();
            done();
          }),
      });
    });
  });
}

/** Dials a TCP or TLS server: `tcp://host:port`, `tls://host:port` or options. Rejects with RpcError 102. */
export function connectTcp(
  target: string | TcpConnectOptions,
  streamOptions: StreamOptions = {},
): Promise<StreamConnection> {
  let options: TcpConnectOptions;
  try {
    options = typeof target === 'string' ? fromUrl(target, streamOptions) : target;
  } catch (error) {
    return Promise.reject(new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error)));
  }
  const transport = options.tls ? 'tls' : 'tcp';
  const url = formatEndpointUrl(transport, options.host, options.port);
  return new Promise((resolve, reject) => {
    const tlsOptions = options.tls === true ? {} : options.tls;
    const socket = tlsOptions
      ? tls.connect({
          host: options.host,
          port: options.port,
          ca: tlsOptions.ca,
          rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
          servername: tlsOptions.servername ?? (net.isIP(options.host) ? undefined : options.host),
        })
      : net.connect({ host: options.host, port: options.port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new RpcError(ErrorCode.CONNECT_FAILED, `cannot connect to ${url}: ${why}`));
    };
    socket.setTimeout(options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT, () => fail('timed out'));
    socket.once('error', (error: Error) => fail(error.message));
    socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('timeout');
      socket.removeAllListeners('error');
      resolve(wrapSocket(socket, transport, options));
    });
  });
}

function fromUrl(text: string, streamOptions: StreamOptions): TcpConnectOptions {
  const url = parseEndpointUrl(text);
  if (url.transport !== 'tcp' && url.transport !== 'tls')
    throw new Error(`connectTcp: ${text} is not a tcp:// or tls:// URL`);
  return {
    ...streamOptions,
    host: url.host,
    port: url.port,
    tls: url.transport === 'tls' ? ((streamOptions as TcpConnectOptions).tls ?? true) : undefined,
  };
}
