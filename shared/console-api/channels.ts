import type { ConsoleErrorData } from './api.js';

/**
 * How the two bridges carry the contract (see api.ts). The browser mode serves the renderer
 * over HTTP and the API as JSON BridgeFrames over a WebSocket; the Electron shell exposes the
 * same calls and events through its preload.
 */

/** The browser mode's WebSocket path: `ws://127.0.0.1:PORT/api?token=…`. */
export const WEB_BRIDGE_PATH = '/api';
/** The per-launch token's query parameter, on the page URL and on the WebSocket URL. */
export const WEB_TOKEN_PARAM = 'token';
/**
 * `GET /api/token?token=…`: 204 when the token is this launch's, 401 when not. A browser shows a
 * refused WebSocket upgrade only as close code 1006, like a dropped connection; the page asks
 * here after a failed upgrade to tell "refused: stop" from "unreachable: retry".
 */
export const WEB_TOKEN_CHECK_PATH = '/api/token';

/** Electron: what the preload puts on `window` (a ConsoleBridge). */
export const PRELOAD_GLOBAL = 'tceConsole';
/** Electron: the custom protocol the renderer is served from (`tce-app://app/index.html`). */
export const APP_SCHEME = 'tce-app';
/** Electron IPC: renderer → main calls (`invoke(method, params)` → IpcReply). */
export const IPC_CALL_CHANNEL = 'tce:call';
/** Electron IPC: main → renderer events (`(event, payload)`). */
export const IPC_EVENT_CHANNEL = 'tce:event';
/** Electron IPC: the preload acknowledges each feed batch once its listeners ran (flow control). */
export const IPC_FEED_ACK_CHANNEL = 'tce:feed-ack';

/** What an IPC call resolves with: errors travel as data, since Electron drops an Error's fields. */
export type IpcReply = { ok: true; result: unknown } | { ok: false; error: ConsoleErrorData };

/**
 * What the Electron preload exposes as `window[PRELOAD_GLOBAL]`. The renderer wraps it into a
 * ConsoleBridge (an `{ ok: false }` reply becomes a ConsoleError): errors do not cross
 * contextBridge with their fields, so they cross as data.
 */
export interface PreloadApi {
  call(method: string, params: unknown): Promise<IpcReply>;
  /** Returns the function that removes the listener. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}
