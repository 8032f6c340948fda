import WebSocket from 'ws';
import {
  ConsoleError,
  type BridgeFrame,
  type ConsoleBridge,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/api.js';

export interface WebBridgeClient extends ConsoleBridge {
  close(): Promise<void>;
  /** The underlying socket, for tests that need to look at flow control. */
  readonly socket: WebSocket;
}

/**
 * A Node-side ConsoleBridge over the browser mode's WebSocket (`ws://127.0.0.1:PORT/api?token=…`),
 * for tests, benchmarks and scripts; the renderer has its own browser implementation of the
 * same frames. Rejects with the host's ConsoleError; calls still waiting when the socket
 * closes reject with an `io` ConsoleError.
 */
export function connectWebBridge(url: string): Promise<WebBridgeClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { maxPayload: 256 * 1024 * 1024 });
    const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
    const listeners = new Map<EventName, Set<(payload: never) => void>>();
    let nextId = 1;
    let opened = false;

    socket.on('message', (data) => {
      // Text frames arrive as one Buffer (ws's default binaryType, 'nodebuffer').
      const frame = JSON.parse((data as Buffer).toString('utf8')) as BridgeFrame;
      if (frame.type === 'event') {
        for (const listener of listeners.get(frame.event) ?? [])
          (listener as (payload: unknown) => void)(frame.payload);
      } else if (frame.type === 'result' || frame.type === 'error') {
        const call = pending.get(frame.id);
        if (!call) return;
        pending.delete(frame.id);
        if (frame.type === 'result') call.resolve(frame.result);
        else call.reject(new ConsoleError(frame.error.code, frame.error.message));
      }
    });
    socket.on('close', (code, reason) => {
      const error = new ConsoleError(
        'io',
        `the console host connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`,
      );
      for (const call of pending.values()) call.reject(error);
      pending.clear();
    });
    socket.on('unexpected-response', (_req, res) => {
      reject(
        new ConsoleError(
          res.statusCode === 401 ? 'unauthorized' : 'io',
          `the console host refused the connection: HTTP ${res.statusCode}`,
        ),
      );
      socket.terminate();
    });
    socket.on('error', (error) => {
      if (!opened) reject(new ConsoleError('io', `cannot reach the console host: ${error.message}`));
    });
    socket.on('open', () => {
      opened = true;
      resolve({
        socket,
        call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
          if (socket.readyState !== socket.OPEN)
            return Promise.reject(new ConsoleError('io', 'the console host connection is closed'));
          const id = nextId++;
          const frame: BridgeFrame = { type: 'call', id, method, params };
          return new Promise((res, rej) => {
            pending.set(id, { resolve: res, reject: rej });
            socket.send(JSON.stringify(frame));
          });
        },
        on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
          let set = listeners.get(event);
          if (!set) listeners.set(event, (set = new Set()));
          set.add(listener);
          return () => set.delete(listener);
        },
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === socket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close();
          }),
      });
    });
  });
}
