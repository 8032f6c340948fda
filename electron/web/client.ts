import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import WebSocket from 'ws';
import {
  ConsoleError,
  type ConsoleBridge,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/api.js';
import { BridgeClientCore } from '../../shared/console-api/bridge-client.js';

export interface WebBridgeClient extends ConsoleBridge {
  close(): Promise<void>;
  /**
   * Stops (true) or resumes (false) reading from the host: its send buffer then fills, as with a
   * slow renderer — for tests of the host's flow control.
   */
  holdReading(hold: boolean): void;
}

/**
 * A Node-side ConsoleBridge over the browser mode's WebSocket (`ws://127.0.0.1:PORT/api?token=…`),
 * for tests, benchmarks and scripts; the frames are BridgeClientCore's, as in the renderer's
 * WebSocketBridge. Rejects with the host's ConsoleError; calls still waiting when the socket
 * closes reject with an `io` ConsoleError.
 */
export function connectWebBridge(url: string): Promise<WebBridgeClient> {
  return new Promise((resolve, reject) => {
    let tcp: Socket | undefined;
    const socket = new WebSocket(url, {
      maxPayload: 256 * 1024 * 1024,
      // Created here so that holdReading can reach the TCP socket under the WebSocket.
      createConnection: ((options: NetConnectOpts) => (tcp = createConnection(options))) as typeof createConnection,
    });
    const core = new BridgeClientCore();
    let opened = false;

    // Text frames arrive as one Buffer (ws's default binaryType, 'nodebuffer').
    socket.on('message', (data) => core.receive((data as Buffer).toString('utf8')));
    socket.on('close', (code, reason) => {
      core.fail(
        new ConsoleError(
          'io',
          `the console host connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`,
        ),
      );
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
        holdReading: (hold) => void (hold ? tcp?.pause() : tcp?.resume()),
        call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
          if (socket.readyState !== socket.OPEN)
            return Promise.reject(new ConsoleError('io', 'the console host connection is closed'));
          const { text, result } = core.call(method, params);
          socket.send(text);
          return result;
        },
        on: <E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): (() => void) =>
          core.on(event, listener),
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
