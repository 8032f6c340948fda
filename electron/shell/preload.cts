// The renderer's only door to the main process (contextIsolation, sandbox): one call channel and
// one event channel, nothing else. Sandboxed preloads can load no modules but electron, hence
// the literals, which the type annotations tie to the constants in shared/console-api.
import electron = require('electron');
import type {
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_FEED_ACK_CHANNEL,
  IpcReply,
  PRELOAD_GLOBAL,
  PreloadApi,
} from '../../shared/console-api/channels.js';

const CALL: typeof IPC_CALL_CHANNEL = 'tce:call';
const EVENT: typeof IPC_EVENT_CHANNEL = 'tce:event';
const ACK: typeof IPC_FEED_ACK_CHANNEL = 'tce:feed-ack';
const GLOBAL: typeof PRELOAD_GLOBAL = 'tceConsole';

const { contextBridge, ipcRenderer } = electron;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(EVENT, (_event, name: string, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
  // Flow control: the host sends the next feed batch only once this one has been handled.
  if (name === 'feed.batch') ipcRenderer.send(ACK);
});

const api: PreloadApi = {
  call: (method, params) => ipcRenderer.invoke(CALL, method, params) as Promise<IpcReply>,
  on: (event, listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
};

contextBridge.exposeInMainWorld(GLOBAL, api);
