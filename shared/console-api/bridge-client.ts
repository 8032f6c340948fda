import {
  ConsoleError,
  type BridgeFrame,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from './api.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The client half of the bridge protocol, without a socket: numbers calls, matches `result` and
 * `error` frames to them, hands `event` frames to listeners, and fails whatever is in flight when
 * the link goes. The renderer's WebSocketBridge and Node's connectWebBridge each supply a socket.
 */
export class BridgeClientCore {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();

  /** A call frame's text, for the caller to send (or hold until the link is up), and its result. */
  call<M extends MethodName>(method: M, params: MethodParams<M>): { text: string; result: Promise<MethodResult<M>> } {
    const id = this.nextId++;
    const frame: BridgeFrame = { type: 'call', id, method, params };
    const result = new Promise<MethodResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    return { text: JSON.stringify(frame), result };
  }

  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  /** One received text frame. What is not JSON, or answers no call in flight, is ignored. */
  receive(text: string): void {
    let frame: BridgeFrame;
    try {
      frame = JSON.parse(text) as BridgeFrame;
    } catch {
      return;
    }
    if (frame.type === 'event') {
      for (const listener of this.listeners.get(frame.event) ?? []) listener(frame.payload as never);
      return;
    }
    if (frame.type === 'call') return;
    const call = this.pending.get(frame.id);
    if (!call) return;
    this.pending.delete(frame.id);
    if (frame.type === 'result') call.resolve(frame.result);
    else call.reject(new ConsoleError(frame.error.code, frame.error.message));
  }

  /** The link is gone: every call in flight fails with `error`. */
  fail(error: Error): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }
}
