import { CallType, ExtraKey, SendCallType, encodeMessage, type Extra, type RpcMessage } from '../wire/message.js';
import { errorReturn, type Adapter } from './adapter.js';
import {
  NO_EXTRA,
  callMessage,
  type CallOptions,
  type CallTarget,
  type OnewayOptions,
  type OutgoingCall,
  type ParamEncoder,
  type ResultDecoder,
} from './call.js';
import type { CloseReason, MessageConnection } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import { PendingCalls, type PendingCallsOptions } from './pending.js';
import { callThrough, sendThrough } from './proxy.js';
import type { CallContext, CallerConnection } from './servant.js';
import { messageOf } from '../message-of.js';

/** One message crossing a peer, for the console's live feed and the gateway. */
export interface TrafficEvent {
  direction: 'in' | 'out';
  message: RpcMessage;
  /** The RpcMessage bytes (no meta header, inflated if the frame was compressed). */
  raw: Uint8Array;
  peer: RpcPeer;
}

export type TrafficListener = (event: TrafficEvent) => void;

/** Default bound on calls a peer's servants may be running at once. */
export const DEFAULT_MAX_DISPATCHING = 10_000;

export interface RpcPeerOptions extends Omit<PendingCallsOptions, 'description'> {
  /** Serves CALLs that arrive on this connection: a server's, or a client's for pushes (§6.4). */
  adapter?: Adapter;
  /** The connection's user id (spec §7.4); servers assign one per accepted connection. */
  userId?: string;
  /** Extra merged into the first message sent (`__token__`, `__device_id__`, spec §3.1). */
  hello?: Extra;
  /** Servant calls that may run at once; a peer that exceeds it is disconnected. Default 10 000. */
  maxDispatching?: number;
  /** Told when setUserId changes the id (servers index connections by it). */
  onUserIdChange?: (peer: RpcPeer, previous: string | undefined) => void;
}

/**
 * One end of a TCE connection: matches RETURNs to calls, serves CALLs with its adapter (both
 * directions over one connection, spec §6.4), and reports every message to traffic listeners.
 * A peer is a CallTarget, so any generated proxy can be built on it: `new ITerminalProxy(peer)`.
 */
export class RpcPeer implements CallTarget, CallerConnection {
  readonly connection: MessageConnection;
  readonly adapter: Adapter | undefined;
  /** Resolves once, when the connection has closed. */
  readonly closed: Promise<CloseReason>;
  private readonly pending: PendingCalls;
  private readonly maxDispatching: number;
  private readonly onUserIdChange: RpcPeerOptions['onUserIdChange'];
  private readonly traffic = new Listeners<TrafficEvent>();
  private currentUserId: string | undefined;
  private hello: Extra | undefined;
  private dispatching = 0;
  private closeReason: CloseReason | undefined;

  constructor(connection: MessageConnection, options: RpcPeerOptions = {}) {
    this.connection = connection;
    this.adapter = options.adapter;
    this.currentUserId = options.userId;
    this.hello = options.hello && Object.keys(options.hello).length > 0 ? options.hello : undefined;
    this.maxDispatching = options.maxDispatching ?? DEFAULT_MAX_DISPATCHING;
    this.onUserIdChange = options.onUserIdChange;
    this.pending = new PendingCalls({
      timeout: options.timeout,
      maxInFlight: options.maxInFlight,
      description: connection.remote,
    });
    let markClosed!: (reason: CloseReason) => void;
    this.closed = new Promise((resolve) => (markClosed = resolve));
    connection.listen({
      message: (message, raw) => this.receive(message, raw),
      // Listeners see every message decoded, so they take the decoding path.
      reply: (sequence, bytes, start, end) =>
        this.traffic.size === 0 && this.pending.settleInPlace(sequence, bytes, start, end),
      close: (reason) => {
        this.closeReason = reason;
        this.pending.failAll(ErrorCode.CONNECTION_LOST, `connection closed (${reason.kind}): ${reason.message}`);
        markClosed(reason);
      },
    });
  }

  get id(): number {
    return this.connection.id;
  }

  get description(): string {
    return this.connection.remote;
  }

  get isOpen(): boolean {
    return this.connection.isOpen;
  }

  /** Why the connection closed; undefined while it is open. */
  get closedBecause(): CloseReason | undefined {
    return this.closeReason;
  }

  get userId(): string | undefined {
    return this.currentUserId;
  }

  /** Sets the connection's user id, e.g. from `__token__` when ids are not assigned (spec §7.4). */
  setUserId(userId: string | undefined): void {
    const previous = this.currentUserId;
    if (previous === userId) return;
    this.currentUserId = userId;
    this.onUserIdChange?.(this, previous);
  }

  /** Calls awaiting a reply. */
  get inFlight(): number {
    return this.pending.size;
  }

  call(call: OutgoingCall): Promise<RpcMessage> {
    if (call.mode === 'oneway')
      return Promise.reject(new RpcError(ErrorCode.SENDFAILED, 'a one-way call goes through send(), not call()'));
    if (!this.connection.isOpen) return Promise.reject(this.notOpen());
    let sequence: number;
    let reply: Promise<RpcMessage>;
    try {
      ({ sequence, reply } = this.pending.open(call.timeout, call.ifidx, call.opidx));
    } catch (error) {
      return Promise.reject(error);
    }
    const calltype = call.mode === 'async' ? SendCallType.async : SendCallType.twoway;
    try {
      if (!this.sendMessage(callMessage(call, sequence, calltype))) this.pending.fail(sequence, this.notOpen());
    } catch (error) {
      this.pending.fail(sequence, asSendError(error));
    }
    return reply;
  }

  send(call: OutgoingCall): void {
    if (!this.connection.isOpen) throw this.notOpen();
    if (!this.sendMessage(callMessage(call, this.pending.nextSequence(), SendCallType.oneway))) throw this.notOpen();
  }

  /**
   * A proxy's call taken whole (CallTarget.invoke): parameters encoded into the connection's
   * write buffer, the result decoded before the promise settles. The first message (it carries
   * `hello`) and calls seen by traffic listeners take the `call` path.
   */
  invoke<R>(
    ifidx: number,
    opidx: number,
    paramsize: number,
    encode: ParamEncoder,
    decode: ResultDecoder<R> | null,
    options?: CallOptions,
  ): Promise<R> {
    const connection = this.connection;
    if (!connection.sendCall || this.hello || this.traffic.size > 0)
      return callThrough(this, ifidx, opidx, paramsize, encode, decode, options);
    if (!connection.isOpen) return Promise.reject(this.notOpen());
    let sequence: number;
    let reply: Promise<R>;
    try {
      ({ sequence, reply } = this.pending.openDecoding(options?.timeout, ifidx, opidx, decode));
    } catch (error) {
      return Promise.reject(error);
    }
    const calltype = options?.mode === 'async' ? SendCallType.async : SendCallType.twoway;
    try {
      if (!connection.sendCall(sequence, calltype, ifidx, opidx, paramsize, options?.extra ?? NO_EXTRA, encode))
        this.pending.fail(sequence, this.notOpen());
    } catch (error) {
      // The encoder's own error, or SENDFAILED for a frame over the limit: nothing was sent.
      this.pending.discard(sequence);
      return Promise.reject(error);
    }
    return reply;
  }

  /** A proxy's one-way call taken whole (CallTarget.invokeOneway). */
  invokeOneway(ifidx: number, opidx: number, paramsize: number, encode: ParamEncoder, options?: OnewayOptions): void {
    const connection = this.connection;
    if (!connection.sendCall || this.hello || this.traffic.size > 0)
      return sendThrough(this, ifidx, opidx, paramsize, encode, options);
    if (
      !connection.sendCall(
        this.pending.nextSequence(),
        SendCallType.oneway,
        ifidx,
        opidx,
        paramsize,
        options?.extra ?? NO_EXTRA,
        encode,
      )
    )
      throw this.notOpen();
  }

  /** Sends any message as it is (gateways, raw tools); false when the connection is closed. */
  sendMessage(message: RpcMessage): boolean {
    const out = this.hello ? { ...message, extra: { ...this.hello, ...message.extra } } : message;
    if (!this.connection.send(out)) return false;
    this.hello = undefined;
    if (this.traffic.size > 0) {
      const raw = encodeMessage(out);
      // The event owns its params: the sent ones may be a view into a writer reused next (Adapter.dispatch).
      this.traffic.emit({
        direction: 'out',
        message: { ...out, params: raw.subarray(raw.length - out.params.length) },
        raw,
        peer: this,
      });
    }
    return true;
  }

  /** Listens to every message sent and received; costs nothing while nobody listens. */
  onTraffic(listener: TrafficListener): () => void {
    return this.traffic.add(listener);
  }

  close(reason = 'closed by this side'): void {
    this.connection.close(reason);
  }

  private notOpen(): RpcError {
    const why = this.closeReason ? `${this.closeReason.kind}: ${this.closeReason.message}` : 'not open';
    return new RpcError(ErrorCode.CONNECTION_LOST, `${this.connection.remote}: connection closed (${why})`);
  }

  private receive(message: RpcMessage, raw: Uint8Array): void {
    if (this.traffic.size > 0) this.traffic.emit({ direction: 'in', message, raw, peer: this });
    if ((message.calltype & CallType.CALL) !== 0) this.serve(message);
    else if ((message.calltype & CallType.RETURN) !== 0) this.pending.settle(message);
  }

  /** Sends a servant's RETURN at once (its params may be borrowed); one that cannot be sent (larger than a frame) becomes error 6. */
  private readonly respond = (reply: RpcMessage): void => {
    try {
      this.sendMessage(reply);
    } catch {
      // The RETURN carries the CALL's sequence, call_id and __user_id__: all errorReturn needs.
      this.sendMessage(errorReturn(reply, ErrorCode.REMOTEMETHOD_EXCEPTION));
    }
  };

  private readonly dispatchDone = (): void => {
    this.dispatching--;
  };

  private serve(call: RpcMessage): void {
    if (!this.adapter) {
      if ((call.calltype & CallType.ONEWAY) === 0) this.respond(errorReturn(call, ErrorCode.INTERFACE_NOTFOUND));
      return;
    }
    // On a connection with its own user id that id wins: a client must not pick its identity.
    const userId = this.currentUserId ?? call.extra[ExtraKey.userId];
    const running = this.adapter.dispatch(call, this, userId, this.respond, true);
    if (!running) return;
    if (++this.dispatching > this.maxDispatching) {
      this.close(`the peer exceeded ${this.maxDispatching} concurrent calls`);
    }
    void running.then(this.dispatchDone);
  }
}

function asSendError(error: unknown): RpcError {
  return error instanceof RpcError ? error : new RpcError(ErrorCode.SENDFAILED, messageOf(error), { cause: error });
}

/**
 * The caller of a call as a CallTarget, for calls back over the same connection (spec §6.4):
 * `new ITerminalProxy(callerTarget(ctx)).onMessageOneway('hi')`. Throws when the call came
 * over a path that cannot carry calls back (a message queue: use `__user_id__` there).
 */
export function callerTarget(ctx: CallContext): CallTarget {
  const caller = ctx.connection;
  if (caller instanceof RpcPeer) return caller;
  throw new RpcError(ErrorCode.SENDFAILED, `cannot call back ${caller.description}: it is not a duplex connection`);
}
