import {
  ConsoleError,
  PRELOAD_GLOBAL,
  type ConsoleBridge,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
  type PreloadApi,
} from '../../shared/console-api/index.js';
import type { BridgeLink, LinkState } from './link.js';
import { WebSocketBridge } from './ws-bridge.js';

export type { BridgeLink, LinkState } from './link.js';

/**
 * Electron: the preload's API (errors cross contextBridge as data) as a ConsoleBridge. IPC to
 * the main process is always up.
 */
function electronLink(api: PreloadApi): BridgeLink {
  const bridge: ConsoleBridge = {
    async call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
      const reply = await api.call(method, params);
      if (!reply.ok) throw new ConsoleError(reply.error.code, reply.error.message);
      return reply.result as MethodResult<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
      return api.on(event, listener as (payload: unknown) => void);
    },
  };
  const state: LinkState = { state: 'open' };
  return { ...bridge, state, onState: () => () => {} };
}

/** The Electron preload's `window.tceConsole` when present, else the browser mode's WebSocket. */
export function connectBridge(): BridgeLink {
  const preload = (window as unknown as Record<string, PreloadApi | undefined>)[PRELOAD_GLOBAL];
  return preload ? electronLink(preload) : WebSocketBridge.fromPage(window);
}
