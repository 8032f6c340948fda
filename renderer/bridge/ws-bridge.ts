import {
  ConsoleError,
  WEB_BRIDGE_PATH,
  WEB_TOKEN_CHECK_PATH,
  WEB_TOKEN_PARAM,
  type BridgeFrame,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/index.js';
import { Backoff } from '../../shared/rpc/backoff.js';
import type { BridgeLink, LinkState } from './link.js';
import { takePageToken } from './page-token.js';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const retries = new Backoff({}, { initialDelayMs: 250, maxDelayMs: 4_000 });
/** What the page says when the host refuses its token: a wrong URL, or a console started since. */
export const REFUSED_REASON = 'this console URL is no longer valid: open the URL printed at start';

/**
 * The browser mode's bridge: JSON BridgeFrames over one WebSocket to the host that served this
 * page (same origin, the page's token). Reconnects with backoff; calls made while disconnected
 * wait for the link, calls in flight when it drops fail with `io`. A refused token ends it:
 * state `refused`, no more attempts, every call fails with `unauthorized`.
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

  constructor(
    private readonly url: string,
    /** Same origin: answers 401 when the host refuses the token (see WEB_TOKEN_CHECK_PATH). */
    private readonly tokenCheckUrl: string,
  ) {
    this.connect();
  }

  /** The bridge of the page the host served, with the page's token (taken out of its URL). */
  static fromPage(page: Window): WebSocketBridge {
    const token = `${WEB_TOKEN_PARAM}=${encodeURIComponent(takePageToken(page))}`;
    const scheme = page.location.protocol === 'https:' ? 'wss:' : 'ws:';
    return new WebSocketBridge(
      `${scheme}//${page.location.host}${WEB_BRIDGE_PATH}?${token}`,
      `${WEB_TOKEN_CHECK_PATH}?${token}`,
    );
  }

  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<MethodResult<M>> {
    if (this.state.state === 'refused') return Promise.reject(new ConsoleError('unauthorized', this.state.reason));
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
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.setState({ state: 'open' });
      for (const text of this.queued.splice(0)) socket.send(text);
    };
    socket.onmessage = (e) => this.receive(e.data);
    socket.onclose = (e) => {
      const lost = new ConsoleError('io', `the console host connection closed${e.reason ? `: ${e.reason}` : ''}`);
      for (const p of this.pending.values()) p.reject(lost);
      this.pending.clear();
      // A refused upgrade closes as 1006, like a lost connection: only the host can say which it was.
      void (opened ? Promise.resolve(false) : this.tokenRefused()).then((refused) => {
        if (refused) {
          this.queued.length = 0;
          this.setState({ state: 'refused', reason: REFUSED_REASON });
          return;
        }
        const delay = retries.delay(++this.attempt);
        this.setState({ state: 'closed', reason: e.reason || 'connection lost', retryMs: delay });
        setTimeout(() => this.connect(), delay);
      });
    };
  }

  /** True only when the host answered that the token is not this launch's; a host out of reach has not refused. */
  private async tokenRefused(): Promise<boolean> {
    try {
      return (await fetch(this.tokenCheckUrl, { cache: 'no-store' })).status === 401;
    } catch {
      return false;
    }
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
