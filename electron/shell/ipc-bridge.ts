import { ipcMain, type WebContents } from 'electron';
import {
  APP_SCHEME,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_FEED_ACK_CHANNEL,
  type IpcReply,
} from '../../shared/console-api/channels.js';
import type { ConsoleHost, HostSession } from '../host/host.js';

/** Feed batches a window may have unacknowledged before the host holds the next ones back. */
const MAX_UNACKED_BATCHES = 2;

/**
 * The Electron bridge: one host session per window, calls on one channel (validated by the
 * host like any bridge's), events on one channel. Calls from anything but the app's own pages
 * are refused.
 */
export function serveIpc(host: ConsoleHost): void {
  const sessions = new Map<number, { session: HostSession; unacked: number }>();
  const sessionOf = (contents: WebContents) => {
    let entry = sessions.get(contents.id);
    if (!entry) {
      const state = { unacked: 0 };
      const session = host.connect({
        event: (event, payload) => {
          if (contents.isDestroyed()) return;
          if (event === 'feed.batch') state.unacked++;
          contents.send(IPC_EVENT_CHANNEL, event, payload);
        },
        backedUp: () => state.unacked >= MAX_UNACKED_BATCHES,
      });
      entry = Object.assign(state, { session });
      sessions.set(contents.id, entry);
      const id = contents.id;
      contents.once('destroyed', () => {
        sessions.get(id)?.session.close();
        sessions.delete(id);
      });
    }
    return entry;
  };
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, params: unknown): Promise<IpcReply> => {
    if (!event.senderFrame?.url.startsWith(`${APP_SCHEME}://`))
      return { ok: false, error: { code: 'unauthorized', message: 'calls are accepted from the console window only' } };
    return sessionOf(event.sender).session.call(method, params);
  });
  ipcMain.on(IPC_FEED_ACK_CHANNEL, (event) => {
    const entry = sessions.get(event.sender.id);
    if (entry && entry.unacked > 0) entry.unacked--;
  });
}
