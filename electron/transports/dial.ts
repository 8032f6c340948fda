import { RpcClient, type RpcClientOptions } from '../../shared/rpc/client.js';
import type { MessageConnection } from '../../shared/rpc/connection.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { parseEndpointUrl } from './endpoint-url.js';
import type { StreamOptions } from './stream.js';
import { connectTcp, type TlsClientOptions } from './tcp.js';
import { connectWs } from './ws.js';
import { messageOf } from '../../shared/message-of.js';

export interface DialOptions extends StreamOptions {
  /** For tls:// and wss:// URLs; certificates are verified unless `rejectUnauthorized: false`. */
  tls?: TlsClientOptions;
  /** Milliseconds to wait for the connection. Default 10 000. */
  connectTimeout?: number;
}

/**
 * Opens a connection to `tcp://host:port`, `tls://` (or `ssl://`), `ws://host:port[/path]`
 * or `wss://…`. Rejects with RpcError 102 CONNECT_FAILED and the reason.
 */
export function dial(url: string, options: DialOptions = {}): Promise<MessageConnection> {
  let transport: string;
  try {
    transport = parseEndpointUrl(url).transport;
  } catch (error) {
    return Promise.reject(new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error)));
  }
  if (transport === 'ws' || transport === 'wss') return connectWs(url, options);
  const { host, port } = parseEndpointUrl(url);
  return connectTcp({ ...options, host, port, tls: transport === 'tls' ? (options.tls ?? true) : undefined });
}

/** A lazily connecting, reconnecting client for a URL (see dial for the schemes). */
export function createClient(url: string, options: RpcClientOptions & DialOptions = {}): RpcClient {
  const { tls, connectTimeout, maxFrameSize, maxWriteBuffer, frameTimeout, ...clientOptions } = options;
  return new RpcClient(
    () => dial(url, { tls, connectTimeout, maxFrameSize, maxWriteBuffer, frameTimeout }),
    clientOptions,
  );
}
