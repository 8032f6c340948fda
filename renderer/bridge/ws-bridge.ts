import { BridgeClientCore } from '../../shared/console-api/bridge-client.js';
import {
  ConsoleError,
  WEB_BRIDGE_PATH,
  WEB_TOKEN_CHECK_PATH,
  WEB_TOKEN_PARAM,
  type ConsoleEvents,
  type EventName,
  type MethodName,
  type MethodParams,
  type MethodResult,
} from '../../shared/console-api/index.js';
import { Backoff } from '../../shared/rpc/backoff.js';
import type { BridgeLink, LinkState } from './link.js';
import { takePageToken } from './page-token.js';

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
  private readonly core = new BridgeClientCore();
  private readonly queued: string[] = [];
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
    const { text, result } = this.core.call(method, params);
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(text);
    else this.queued.push(text);
    return result;
  }

  on<E extends EventName>(event: E, listener: (payload: ConsoleEvents[E]) => void): () => void {
    return this.core.on(event, listener);
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
    socket.onmessage = (e) => {
      if (typeof e.data === 'string') this.core.receive(e.data);
    };
    socket.onclose = (e) => {
      this.core.fail(new ConsoleError('io', `the console host connection closed${e.reason ? `: ${e.reason}` : ''}`));
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
}
