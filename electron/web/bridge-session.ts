import type WebSocket from 'ws';
import type { BridgeFrame } from '../../shared/console-api/api.js';
import type { FeedBatch } from '../../shared/console-api/types.js';
import type { ConsoleHost, HostSession } from '../host/host.js';

/** A WebSocket whose send buffer is past this counts as backed up: feed batches wait. */
export const BACKED_UP_BYTES = 4 * 1024 * 1024;
/** Calls one page may have running at once; more are answered with an error at once. */
const MAX_CALLS_IN_FLIGHT = 1_000;
/** Feed entries per WebSocket fragment of a `feed.batch` frame. */
const ENTRIES_PER_FRAGMENT = 100;

/**
 * The text of a `feed.batch` event frame in pieces of ENTRIES_PER_FRAGMENT entries: together
 * exactly `JSON.stringify` of the frame. One string for a batch of thousands of entries is
 * hundreds of KiB, allocated straight into V8's old generation (large-object space) 30 times a
 * second, which made the host's heap grow between full collections; pieces of ~50 KiB die young.
 */
export function feedBatchPieces(batch: FeedBatch): string[] {
  const pieces: string[] = [];
  let open = '{"type":"event","event":"feed.batch","payload":{';
  const list = (entries: readonly unknown[]): void => {
    for (let i = 0; i < entries.length; i += ENTRIES_PER_FRAGMENT) {
      const part = JSON.stringify(entries.slice(i, i + ENTRIES_PER_FRAGMENT));
      pieces.push(`${open}${i === 0 ? '' : ','}${part.slice(1, -1)}`);
      open = '';
    }
  };
  // Every field in the batch's own order, as JSON.stringify writes it; the entry lists in pieces.
  let comma = '';
  for (const [key, value] of Object.entries(batch)) {
    if (value === undefined) continue;
    open += `${comma}${JSON.stringify(key)}:`;
    comma = ',';
    if (Array.isArray(value)) {
      open += '[';
      list(value);
      open += ']';
    } else open += JSON.stringify(value);
  }
  pieces.push(`${open}}}`);
  return pieces;
}

/**
 * One browser page on the host: JSON BridgeFrames both ways over an authorized WebSocket.
 * A frame that is not a well-formed call is answered with an error frame (the socket stays
 * open); the host validates the params of every call.
 */
export function serveBridgeSession(socket: WebSocket, host: ConsoleHost): void {
  const send = (frame: BridgeFrame): void => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };
  const sendBatch = (batch: FeedBatch): void => {
    if (socket.readyState !== socket.OPEN) return;
    // One WebSocket message in fragments, sent in one turn: nothing else can come between them.
    const pieces = feedBatchPieces(batch);
    pieces.forEach((piece, i) => socket.send(piece, { fin: i === pieces.length - 1 }));
  };
  const session: HostSession = host.connect({
    event: (event, payload) =>
      event === 'feed.batch' ? sendBatch(payload as FeedBatch) : send({ type: 'event', event, payload }),
    backedUp: () => socket.bufferedAmount > BACKED_UP_BYTES,
  });
  let inFlight = 0;
  socket.on('message', (data, isBinary) => {
    let frame: unknown;
    try {
      // A text frame arrives as one Buffer (ws's default binaryType, 'nodebuffer').
      frame = isBinary ? undefined : JSON.parse((data as Buffer).toString('utf8'));
    } catch {
      frame = undefined;
    }
    const call = frame as Partial<Extract<BridgeFrame, { type: 'call' }>> | undefined;
    if (!call || call.type !== 'call' || !Number.isSafeInteger(call.id)) {
      const id = Number.isSafeInteger(call?.id) ? call!.id! : 0;
      send({
        type: 'error',
        id,
        error: {
          code: 'invalid-params',
          message: 'expected a JSON text frame {"type":"call","id":<integer>,"method":…,"params":…}',
        },
      });
      return;
    }
    const id = call.id!;
    if (inFlight >= MAX_CALLS_IN_FLIGHT) {
      send({
        type: 'error',
        id,
        error: {
          code: 'invalid-params',
          message: `${MAX_CALLS_IN_FLIGHT} calls are already running on this connection`,
        },
      });
      return;
    }
    inFlight++;
    void session.call(call.method, call.params).then((reply) => {
      inFlight--;
      send(reply.ok ? { type: 'result', id, result: reply.result } : { type: 'error', id, error: reply.error });
    });
  });
  socket.on('close', () => session.close());
  socket.on('error', () => session.close());
}
