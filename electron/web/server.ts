import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { WEB_BRIDGE_PATH, WEB_TOKEN_CHECK_PATH, WEB_TOKEN_PARAM } from '../../shared/console-api/channels.js';
import type { ConsoleHost } from '../host/host.js';
import { packageRoot } from '../host/package-info.js';
import { serveBridgeSession } from './bridge-session.js';
import { rendererCsp } from '../renderer-files/csp.js';
import { placeholderPage, rendererFile } from '../renderer-files/static-files.js';

export interface WebServerOptions {
  host: ConsoleHost;
  /** Loopback only: 127.0.0.1 (default), ::1 or localhost. */
  address?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** The built renderer. Default: dist/renderer in the package. */
  rendererDir?: string;
  /** Default: 24 random bytes, new every launch. */
  token?: string;
}

export interface WebServer {
  /** The page to open: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  /** The host API: `ws://127.0.0.1:PORT/api?token=…`. */
  readonly apiUrl: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const COOKIE = 'tce_console_token';
/** Largest frame a page may send (a feed import, an IDL file). */
const MAX_FRAME = 64 * 1024 * 1024;

/**
 * The browser mode: the built renderer over HTTP and the host API over a WebSocket, on a
 * loopback address only, both guarded by a random per-launch token. The page URL carries the
 * token (`?token=`); the page passes it on to the WebSocket URL; the page's own assets are
 * allowed by a SameSite=Strict cookie set when the page is loaded with the token. Anything
 * else — no token, a wrong one, a foreign Host or Origin — gets 401 (HTTP) or a refused upgrade
 * (HTTP 401: no WebSocket is ever opened for it). Browsers report a refused upgrade as 1006,
 * like a lost connection, so the page asks WEB_TOKEN_CHECK_PATH whether its token is refused.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const address = options.address ?? '127.0.0.1';
  if (!LOOPBACK.has(address))
    throw new Error(`the browser mode listens on a loopback address only (127.0.0.1, ::1, localhost), not ${address}`);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = options.rendererDir ?? join(packageRoot(), 'dist', 'renderer');
  const expected = Buffer.from(token);
  const tokenMatches = (given: string | undefined | null): boolean => {
    if (!given) return false;
    const bytes = Buffer.from(given);
    return bytes.length === expected.length && timingSafeEqual(bytes, expected);
  };
  let port = 0;
  const hostOk = (req: IncomingMessage): boolean => {
    // A page from another site resolving its own name to 127.0.0.1 (DNS rebinding) sends its own Host.
    const host = req.headers.host?.toLowerCase();
    return host !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const http = createServer((req, res) => void handle(req, res));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const queryToken = url.searchParams.get(WEB_TOKEN_PARAM);
    if (url.pathname === WEB_TOKEN_CHECK_PATH) {
      // The token given, never the cookie: the page's bridge asks about the token it connects with.
      res.writeHead(hostOk(req) && tokenMatches(queryToken) ? 204 : 401, { 'Cache-Control': 'no-store' }).end();
      return;
    }
    if (!hostOk(req) || !(tokenMatches(queryToken) || tokenMatches(cookieToken(req)))) {
      refuse(res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    if (tokenMatches(queryToken)) headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    const file = await rendererFile(rendererDir, url.pathname);
    const body =
      file?.body ??
      Buffer.from(placeholderPage(rendererDir, `ws://127.0.0.1:${port}${WEB_BRIDGE_PATH}?${WEB_TOKEN_PARAM}=…`));
    const type = file?.type ?? 'text/html; charset=utf-8';
    if (file === undefined && url.pathname !== '/' && url.pathname !== '/index.html') {
      res.writeHead(404, headers).end();
      return;
    }
    if (type.startsWith('text/html'))
      headers['Content-Security-Policy'] = rendererCsp(`'self' ws://127.0.0.1:${port} ws://localhost:${port}`);
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = req.headers.origin;
    const originOk =
      origin === undefined ||
      [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`].includes(origin);
    if (
      url.pathname !== WEB_BRIDGE_PATH ||
      !hostOk(req) ||
      !originOk ||
      !tokenMatches(url.searchParams.get(WEB_TOKEN_PARAM))
    ) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveBridgeSession(ws, options.host));
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, address, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const shown = address === '::1' ? '[::1]' : address;
  return {
    url: `http://${shown}:${port}/?${WEB_TOKEN_PARAM}=${token}`,
    apiUrl: `ws://${shown}:${port}${WEB_BRIDGE_PATH}?${WEB_TOKEN_PARAM}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.close(1001, 'the console is shutting down');
      wss.close();
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    },
  };
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function refuse(res: ServerResponse): void {
  res.writeHead(401, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end('TCE Console: open the URL with the token that tce-console printed when it started.\n');
}
