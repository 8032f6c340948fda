import type { StreamTransportKind } from '../../shared/rpc/connection.js';

/** A stream endpoint address: `tcp://host:port`, `tls://` (or `ssl://`), `ws://host:port/path`, `wss://…`. */
export interface EndpointUrl {
  transport: StreamTransportKind;
  host: string;
  port: number;
  /** WebSocket path ('/' if none); empty for TCP and TLS. */
  path: string;
}

const SCHEMES: Record<string, StreamTransportKind> = {
  'tcp:': 'tcp',
  'tls:': 'tls',
  'ssl:': 'tls',
  'ws:': 'ws',
  'wss:': 'wss',
};
const DEFAULT_PORTS: Partial<Record<StreamTransportKind, number>> = { ws: 80, wss: 443 };

/** Parses an endpoint URL; throws Error naming what is wrong with it. */
export function parseEndpointUrl(text: string): EndpointUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `bad endpoint URL "${text}": expected tcp://host:port, tls://host:port, ws://host:port[/path] or wss://…`,
    );
  }
  const transport = SCHEMES[url.protocol];
  if (!transport)
    throw new Error(`bad endpoint URL "${text}": unknown scheme ${url.protocol} (tcp, tls, ssl, ws, wss)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new Error(`bad endpoint URL "${text}": no host`);
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[transport];
  if (port === undefined) throw new Error(`bad endpoint URL "${text}": ${transport}:// needs a port`);
  const isWs = transport === 'ws' || transport === 'wss';
  return { transport, host, port, path: isWs ? `${url.pathname || '/'}${url.search}` : '' };
}

/** `tcp://127.0.0.1:9000`, with IPv6 hosts in brackets. */
export function formatEndpointUrl(transport: StreamTransportKind, host: string, port: number, path = ''): string {
  return `${transport}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
}
