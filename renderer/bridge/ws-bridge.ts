import {
  ConsoleError,
  WEB_BRIDGE_PATH,
  WEB_TOKEN_PARAM,
  type BridgeFrame,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/index.js';
import type { BridgeLink, LinkState } from './link.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * The browser mode's bridge: JSON BridgeFrames over one WebSocket to the host that served this
 * page (same origin, `?token=` from the page URL). Reconnects with backoff; calls made while
 * disconnected wait for the link, calls in flight when it drops fail with `io`.
 */
export class WebSocketBridge implements BridgeLink {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly queued: string[] = [];
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private readonly stateListeners = new Set<(state: LinkState) => void>();
  private attempt = 0;
  state: LinkState = { state: 'connecting' };

  constructor(private readonly url: string) {
    this.connect();
  }

  static fromLocation(location: Location): WebSocketBridge {
    const token = new URLSearchParams(location.search).get(WEB_TOKEN_PARAM) ?? '';
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WebSocketBridge(`${scheme}//${location.host}${WEB_BRIDGE_PATH}?${WEB_TOKEN_PARAM}=${encodeURIComponent(token)}`);
  }

  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    const id = this.nextId++;
    const frame: BridgeFrame = { type: 'call', id, method, params };
    return new Promise<MethodResult<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const text = JSON.stringify(frame);
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
      else this.queued.push(text);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  onState(listener: (state: LinkState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setState(state: LinkState): void {
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setState({ state: 'open' });
      for (const text of this.queued.splice(0)) socket.send(text);
    };
    socket.onmessage = (e) => this.receive(e.data);
    socket.onclose = (e) => {
      const lost = new ConsoleError('io', `the console host connection closed${e.reason ? `: ${e.reason}` : ''}`);
      for (const p of this.pending.values()) p.reject(lost);
      this.pending.clear();
      // 4401-ish or 1008 (policy): a wrong token will not get better by retrying.
      if (e.code === 1008 || e.code === 4401) {
        this.setState({ state: 'closed', reason: e.reason || 'the host refused this page (wrong or missing token)' });
        return;
      }
      const delay = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)]!;
      this.setState({ state: 'closed', reason: e.reason || 'connection lost', retryMs: delay });
      setTimeout(() => this.connect(), delay);
    };
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: BridgeFrame;
    try {
      frame = JSON.parse(data) as BridgeFrame;
    } catch {
      return;
    }
    if (frame.type === 'event') {
      const set = this.listeners.get(frame.event);
      if (set) for (const l of set) l(frame.payload as never);
      return;
    }
    if (frame.type === 'call') return;
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    if (frame.type === 'result') p.resolve(frame.result);
    else p.reject(new ConsoleError(frame.error.code, frame.error.message));
  }
}
