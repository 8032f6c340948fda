import { ExtraKey, type Extra, type RpcMessage } from '../wire/message.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { CallOptions, CallTarget, OnewayOptions, OutgoingCall, ParamEncoder, ResultDecoder } from './call.js';
import type { CloseReason, MessageConnection } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import { RpcPeer, type RpcPeerOptions, type TrafficListener } from './peer.js';
import { callThrough, sendThrough } from './proxy.js';
import { messageOf } from '../message-of.js';

/** Opens a new connection; rejects with RpcError (102 CONNECT_FAILED and the like). */
export type Dialer = () => Promise<MessageConnection>;

export type ClientState =
  /** Not connected yet: the first call connects. */
  | { state: 'idle' }
  | { state: 'connecting'; attempt: number }
  | { state: 'open'; remote: string }
  /** Lost or failed; the next call (or, with autoReconnect, a timer) connects again. */
  | { state: 'closed'; kind: CloseReason['kind'] | 'connect-failed'; message: string }
  /** autoReconnect only: waiting `delayMs` before attempt `attempt`. */
  | { state: 'retrying'; attempt: number; delayMs: number; lastError: string };

export interface RpcClientOptions extends Omit<RpcPeerOptions, 'hello' | 'userId' | 'onUserIdChange'> {
  /** Sent as `__token__` in the first message after each (re)connect (spec §3.1). */
  token?: string;
  /** Sent as `__device_id__` at the same moment. */
  deviceId?: string;
  /**
   * Reconnect in the background after a loss, with exponential backoff, instead of on the
   * next call: a client that only receives pushes needs it. Default false; `true` backs off from
   * 100 ms to at most 5 s.
   */
  autoReconnect?: boolean | BackoffOptions;
  /** One-way calls held while connecting; one more throws SENDFAILED. Default 1 000. */
  maxQueued?: number;
}

/**
 * A client that connects lazily on its first call and again on the next call after a loss
 * (spec §3.1); calls pending on a lost connection fail at once with 104 CONNECTION_LOST.
 * Its state changes are events a console can show.
 */
export class RpcClient implements CallTarget {
  private readonly dial: Dialer;
  private readonly peerOptions: RpcPeerOptions;
  private readonly reconnect: Backoff | undefined;
  private readonly maxQueued: number;
  private readonly stateListeners = new Listeners<ClientState>();
  private readonly traffic = new Listeners<Parameters<TrafficListener>[0]>();
  private current: ClientState = { state: 'idle' };
  private activePeer: RpcPeer | undefined;
  private unsubscribePeerTraffic: (() => void) | undefined;
  private connecting: Promise<RpcPeer> | undefined;
  private queued: OutgoingCall[] = [];
  private attempt = 0;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private shut = false;

  constructor(dial: Dialer, options: RpcClientOptions = {}) {
    this.dial = dial;
    const { token, deviceId, autoReconnect, maxQueued, ...peerOptions } = options;
    const hello: Extra = {};
    if (token !== undefined) hello[ExtraKey.token] = token;
    if (deviceId !== undefined) hello[ExtraKey.deviceId] = deviceId;
    this.peerOptions = { ...peerOptions, hello };
    this.reconnect = autoReconnect
      ? new Backoff(autoReconnect === true ? {} : autoReconnect, { initialDelayMs: 100, maxDelayMs: 5_000 })
      : undefined;
    this.maxQueued = maxQueued ?? 1_000;
  }

  get state(): ClientState {
    return this.current;
  }

  /** The open connection's peer, if any. */
  get peer(): RpcPeer | undefined {
    return this.activePeer?.isOpen ? this.activePeer : undefined;
  }

  onState(listener: (state: ClientState) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Every message of every connection this client makes; costs nothing while nobody listens. */
  onTraffic(listener: TrafficListener): () => void {
    const remove = this.traffic.add(listener);
    this.followPeerTraffic();
    return () => {
      remove();
      this.followPeerTraffic();
    };
  }

  /** Connects now (or returns the open connection); rejects with RpcError 102 on failure. */
  connect(): Promise<RpcPeer> {
    if (this.shut) return Promise.reject(new RpcError(ErrorCode.CONNECTION_LOST, 'the client is closed'));
    const peer = this.peer;
    if (peer) return Promise.resolve(peer);
    if (!this.connecting) {
      const attempt = this.open();
      this.connecting = attempt;
      const clear = (): void => {
        if (this.connecting === attempt) this.connecting = undefined;
      };
      attempt.then(clear, clear);
    }
    return this.connecting;
  }

  call(call: OutgoingCall): Promise<RpcMessage> {
    const peer = this.peer;
    if (peer) return peer.call(call);
    return this.connect().then((p) => p.call(call));
  }

  /** A proxy's call taken whole by the open connection (CallTarget.invoke); otherwise as call(). */
  invoke<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options?: CallOptions,
  ): Promise<R> {
    const peer = this.peer;
    return peer
      ? peer.invoke(ifidx, opidx, paramsize, encode, decode, options)
      : callThrough(this, ifidx, opidx, paramsize, encode, decode, options);
  }

  /** A proxy's one-way call taken whole by the open connection; otherwise as send(). */
  invokeOneway(ifidx: number, opidx: number, paramsize: number, encode: ParamEncoder, options?: OnewayOptions): void {
    const peer = this.peer;
    if (peer) peer.invokeOneway(ifidx, opidx, paramsize, encode, options);
    else sendThrough(this, ifidx, opidx, paramsize, encode, options);
  }

  /** Sends a one-way call, holding it while a connection is being made. */
  send(call: OutgoingCall): void {
    const peer = this.peer;
    if (peer) return peer.send(call);
    if (this.shut) throw new RpcError(ErrorCode.SENDFAILED, 'the client is closed');
    if (this.queued.length >= this.maxQueued)
      throw new RpcError(ErrorCode.SENDFAILED, `${this.maxQueued} one-way calls already wait for a connection`);
    this.queued.push(call);
    this.connect().catch(() => {
      // The state event reports the failure; one-way calls have nobody to tell.
    });
  }

  /** Closes the connection for good: no more reconnects; pending calls fail with 104. */
  async close(): Promise<void> {
    this.shut = true;
    clearTimeout(this.retryTimer);
    this.queued = [];
    await this.connecting?.catch(() => undefined);
    const peer = this.activePeer;
    if (peer?.isOpen) {
      peer.close('client closed');
      await peer.closed;
    }
    this.setState({ state: 'closed', kind: 'local', message: 'client closed' });
  }

  private async open(): Promise<RpcPeer> {
    clearTimeout(this.retryTimer);
    this.setState({ state: 'connecting', attempt: ++this.attempt });
    let connection: MessageConnection;
    try {
      connection = await this.dial();
    } catch (e) {
      const error = e instanceof RpcError ? e : new RpcError(ErrorCode.CONNECT_FAILED, messageOf(e), { cause: e });
      this.queued = [];
      this.setState({ state: 'closed', kind: 'connect-failed', message: error.message });
      this.scheduleRetry(error.message);
      throw error;
    }
    if (this.shut) {
      connection.close('client closed');
      throw new RpcError(ErrorCode.CONNECTION_LOST, 'the client was closed while connecting');
    }
    const peer = new RpcPeer(connection, this.peerOptions);
    this.activePeer = peer;
    this.attempt = 0;
    this.followPeerTraffic();
    void peer.closed.then((reason) => this.lost(peer, reason));
    this.setState({ state: 'open', remote: connection.remote });
    const queued = this.queued;
    this.queued = [];
    for (const call of queued) peer.send(call);
    return peer;
  }

  private lost(peer: RpcPeer, reason: CloseReason): void {
    if (peer !== this.activePeer) return;
    this.unsubscribePeerTraffic?.();
    this.unsubscribePeerTraffic = undefined;
    this.activePeer = undefined;
    if (this.shut) return;
    this.setState({ state: 'closed', kind: reason.kind, message: reason.message });
    this.scheduleRetry(reason.message);
  }

  private scheduleRetry(lastError: string): void {
    if (!this.reconnect || this.shut) return;
    const delayMs = this.reconnect.delay(this.attempt + 1);
    this.setState({ state: 'retrying', attempt: this.attempt + 1, delayMs, lastError });
    this.retryTimer = setTimeout(() => {
      this.connect().catch(() => {
        // open() has reported the failure and scheduled the next attempt.
      });
    }, delayMs);
  }

  /** Subscribes to the active peer's traffic only while this client has listeners. */
  private followPeerTraffic(): void {
    const want = this.traffic.size > 0 && this.activePeer !== undefined;
    if (want && !this.unsubscribePeerTraffic)
      this.unsubscribePeerTraffic = this.activePeer!.onTraffic((e) => this.traffic.emit(e));
    if (!want && this.unsubscribePeerTraffic) {
      this.unsubscribePeerTraffic();
      this.unsubscribePeerTraffic = undefined;
    }
  }

  private setState(state: ClientState): void {
    this.current = state;
    this.stateListeners.emit(state);
  }
}
