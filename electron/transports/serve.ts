import type { RpcServer } from '../../shared/rpc/server.js';
import { parseEndpointUrl } from './endpoint-url.js';
import { DEFAULT_IDLE_TIMEOUT, type StreamConnection, type StreamOptions } from './stream.js';
import { listenTcp, type StreamListener, type TlsServerOptions } from './tcp.js';
import { listenWs } from './ws.js';

export interface ListenOptions extends StreamOptions {
  /** Key and certificate, required for tls:// and wss:// URLs. */
  tls?: TlsServerOptions;
}

/**
 * Listens on `tcp://host:port`, `tls://`, `ws://host:port` or `wss://` (port 0 = any free
 * port; a WebSocket path is ignored: every path is accepted, spec §3.3). Accepted connections
 * close after `idleTimeout` ms without traffic (default DEFAULT_IDLE_TIMEOUT, 0 = never).
 */
export function listen(
  url: string,
  options: ListenOptions,
  onConnection: (connection: StreamConnection) => void,
): Promise<StreamListener> {
  const { transport, host, port } = parseEndpointUrl(url);
  const secure = transport === 'tls' || transport === 'wss';
  if (secure && !options.tls)
    return Promise.reject(new Error(`${url}: a ${transport} listener needs tls.key and tls.cert`));
  const listenOptions = {
    ...options,
    idleTimeout: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT,
    host,
    port,
    tls: secure ? options.tls : undefined,
  };
  return transport === 'ws' || transport === 'wss'
    ? listenWs(listenOptions, onConnection)
    : listenTcp(listenOptions, onConnection);
}

/** Listens on a URL and hands every connection to the server, which also closes the listener. */
export async function serve(server: RpcServer, url: string, options: ListenOptions = {}): Promise<StreamListener> {
  const listener = await listen(url, options, (connection) => server.accept(connection));
  server.attach(listener);
  return listener;
}
