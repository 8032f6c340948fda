import { PRELOAD_GLOBAL, type ConsoleBridge } from '../../shared/console-api/index.js';
import type { BridgeLink, LinkState } from './link.js';
import { WebSocketBridge } from './ws-bridge.js';

export type { BridgeLink, LinkState } from './link.js';

/** Electron: the preload's bridge is always connected (IPC to the main process). */
function electronLink(bridge: ConsoleBridge): BridgeLink {
  const state: LinkState = { state: 'open' };
  return { call: bridge.call.bind(bridge), on: bridge.on.bind(bridge), state, onState: () => () => {} };
}

/** The Electron preload's `window.tceConsole` when present, else the browser mode's WebSocket. */
export function connectBridge(): BridgeLink {
  const preload = (window as unknown as Record<string, ConsoleBridge | undefined>)[PRELOAD_GLOBAL];
  return preload ? electronLink(preload) : WebSocketBridge.fromLocation(window.location);
}
