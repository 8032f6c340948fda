import { CallType, ExtraKey, isCall, type RpcMessage } from '../wire/message.js';
import { errorReturn, type Adapter } from './adapter.js';
import type { CallTarget } from './call.js';
import type { MqDelivery, MqReader, OnConfirm } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MqTrafficEvent, MqTrafficListener } from './mq-traffic.js';
import { describeSendFailure, pushTarget, type MqSendOutcome, type MqWriters } from './mq-writers.js';
import { callerTarget } from './peer.js';
import type { CallContext, CallerConnection } from './servant.js';
import { messageOf } from '../message-of.js';
import type { Log } from '../log.js';

/** Default bound on servant calls running at once over all of an MqAdapter's queues. */
export const DEFAULT_MQ_MAX_DISPATCHING = 10_000;

export interface MqAdapterOptions {
  adapter: Adapter;
  /** Where RETURNs go (by the CALL's `__mq_return__`) and pushes leave. */
  writers: MqWriters;
  /** Servant calls that may run at once; past it CALLs are answered with error 6 at once. Default 10 000. */
  maxDispatching?: number;
  /** Messages on a served queue that are not CALLs (default: logged and dropped). */
  onOther?: (message: RpcMessage, raw: Uint8Array, endpoint: string) => void;
  /** Dropped messages and undeliverable RETURNs. Default: nowhere. */
  log?: Log;
  /**
   * Acknowledge each CALL as it is read, before serving it: the original's way, where a back
   * end that dies loses the calls it held. Default false: a CALL is acknowledged once its RETURN
   * is confirmed by the broker (a one-way CALL once its handler is done), so the calls of a back
   * end that dies, or whose RETURN the broker did not take, go to another (at least once; a
   * call served twice answers twice, and a gateway passes only the first on). See docs/delivery.md.
   */
  ackOnReceipt?: boolean;
}

let nextCallerId = 1;

/**
 * The caller of a CALL that came through a message queue: not a connection that could carry
 * a call back (spec §3.4: `ctx.conn` of an MQ call cannot push); `callbackTarget(ctx)` pushes
 * through the gateway instead.
 */
export class MqCaller implements CallerConnection {
  readonly id = nextCallerId++;
  readonly description: string;

  constructor(
    /** The endpoint the CALL was read from. */
    readonly endpoint: string,
    readonly writers: MqWriters,
  ) {
    this.description = `MQ endpoint ${endpoint}`;
  }
}

/**
 * Serves an Adapter's servants to CALLs read from message queues (spec §3.4; Python
 * `RpcAdapterMQ`): ctx.userId is the CALL's `__user_id__`, and each RETURN — value or error
 * (4, 6), which the original Python crashes on — goes to the writer whose endpoint name is the
 * CALL's `__mq_return__`, copying call_id and `__user_id__` so a gateway can route it. A CALL
 * is acknowledged once its RETURN is confirmed by the broker (see `ackOnReceipt`).
 */
export class MqAdapter {
  readonly adapter: Adapter;
  readonly writers: MqWriters;
  private readonly maxDispatching: number;
  private readonly onOther: MqAdapterOptions['onOther'];
  private readonly log: Log;
  private readonly callers = new Map<string, MqCaller>();
  private readonly readers: MqReader[] = [];
  private readonly served: string[] = [];
  private readonly traffic = new Listeners<MqTrafficEvent>();
  private readonly told = new Set<string>();
  private readonly ackOnReceipt: boolean;
  private running = 0;

  constructor(options: MqAdapterOptions) {
    this.adapter = options.adapter;
    this.writers = options.writers;
    this.maxDispatching = options.maxDispatching ?? DEFAULT_MQ_MAX_DISPATCHING;
    this.onOther = options.onOther;
    this.log = options.log ?? (() => {});
    this.ackOnReceipt = options.ackOnReceipt ?? false;
  }

  /** The endpoints consumed. */
  get serving(): readonly string[] {
    return this.served;
  }

  /** Servant calls running now. */
  get dispatching(): number {
    return this.running;
  }

  /** Consumes a reader: every CALL on it is served; `endpoint` is its name in config.yml. */
  serve(reader: MqReader, endpoint: string): void {
    this.readers.push(reader);
    this.served.push(endpoint);
    reader.listen((message, raw, delivery) => this.receive(message, raw, endpoint, delivery), {
      ack: this.ackOnReceipt ? 'on-receipt' : 'by-listener',
    });
  }

  /** One message read from a served queue; `delivery` is settled once it is dealt with. */
  private receive(message: RpcMessage, raw: Uint8Array, endpoint: string, delivery: MqDelivery): void {
    if (this.traffic.size > 0) this.traffic.emit({ direction: 'in', message, raw, endpoint });
    if (!isCall(message)) {
      delivery.ack();
      if (this.onOther) this.onOther(message, raw, endpoint);
      else
        this.tellOnce(
          `other:${endpoint}`,
          `${endpoint}: dropped a message that is not a CALL (calltype 0x${message.calltype.toString(16)}); later ones are not logged`,
        );
      return;
    }
    if (lingeredOut(message)) {
      delivery.ack();
      this.log(
        'warn',
        `${endpoint}: dropped CALL sequence ${message.sequence}: its ${ExtraKey.lingerTime} ${message.extra[ExtraKey.lingerTime]} has passed`,
      );
      return;
    }
    const oneway = (message.calltype & CallType.ONEWAY) !== 0;
    const respond = (reply: RpcMessage): void => this.respond(message, reply, endpoint, delivery);
    if (this.running >= this.maxDispatching) {
      this.log(
        'warn',
        `${endpoint}: refused CALL sequence ${message.sequence}: ${this.maxDispatching} calls are running`,
      );
      if (oneway) delivery.ack();
      else respond(errorReturn(message, ErrorCode.REMOTEMETHOD_EXCEPTION));
      return;
    }
    const pending = this.adapter.dispatch(message, this.caller(endpoint), message.extra[ExtraKey.userId], respond);
    if (!pending) {
      if (oneway) delivery.ack();
      return;
    }
    this.running++;
    void pending.then(() => {
      this.running--;
      if (oneway) delivery.ack();
    });
  }

  /** Every message read from served queues and every RETURN or push written; costs nothing while nobody listens. */
  onTraffic(listener: MqTrafficListener): () => void {
    const removeIn = this.traffic.add(listener);
    const removeOut = this.writers.onTraffic(listener);
    return () => {
      removeIn();
      removeOut();
    };
  }

  /** Stops consuming; calls still running answer if the broker is there. */
  async close(): Promise<void> {
    const readers = this.readers.splice(0);
    this.served.length = 0;
    await Promise.all(readers.map((r) => r.close()));
  }

  private caller(endpoint: string): MqCaller {
    let caller = this.callers.get(endpoint);
    if (!caller) this.callers.set(endpoint, (caller = new MqCaller(endpoint, this.writers)));
    return caller;
  }

  /** Sends a RETURN to the endpoint named by `__mq_return__`; the CALL is acked once the broker took it, else it goes back to the queue. */
  private respond(call: RpcMessage, reply: RpcMessage, endpoint: string, delivery: MqDelivery): void {
    const target = call.extra[ExtraKey.mqReturn];
    if (target === undefined) {
      delivery.ack();
      this.tellOnce(
        `no-return:${endpoint}`,
        `${endpoint}: a CALL without ${ExtraKey.mqReturn} got no RETURN (ifidx ${call.ifidx} opidx ${call.opidx}, sequence ${call.sequence}); later ones are not logged`,
      );
      return;
    }
    const what = `RETURN for sequence ${call.sequence} (ifidx ${call.ifidx} opidx ${call.opidx})`;
    const retry = this.ackOnReceipt ? 'lost (the CALL was acknowledged on receipt)' : 'the CALL goes back to the queue';
    const confirmed: OnConfirm = (outcome) => {
      if (outcome.ok) return delivery.ack();
      this.log('warn', `${endpoint}: ${what} not taken by the broker (${outcome.reason}): ${retry}`);
      delivery.reject(true);
    };
    let outcome: MqSendOutcome;
    try {
      outcome = this.writers.send(target, reply, confirmed);
    } catch (error) {
      // A RETURN that cannot be encoded (a servant put a non-string into replyExtra): the caller gets 6.
      this.log('warn', `${endpoint}: ${what} could not be sent (${messageOf(error)}); answering error 6`);
      outcome = this.writers.send(target, errorReturn(reply, ErrorCode.REMOTEMETHOD_EXCEPTION), confirmed);
    }
    if (outcome.sent) return;
    if (outcome.reason === 'no-endpoint') {
      // No broker state will ever make this RETURN deliverable here.
      delivery.ack();
      this.log('warn', `${endpoint}: ${what} dropped: ${describeSendFailure(outcome)}`);
    } else {
      this.log('warn', `${endpoint}: ${what} not sent (${describeSendFailure(outcome)}): ${retry}`);
      delivery.reject(true);
    }
  }

  private tellOnce(key: string, line: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.log('warn', line);
  }
}

/** Python's `__linger_time__`: absolute UNIX seconds after which an MQ receiver drops the message (spec §1.6). */
function lingeredOut(message: RpcMessage): boolean {
  const linger = message.extra[ExtraKey.lingerTime];
  if (linger === undefined) return false;
  const seconds = Number(linger);
  return Number.isFinite(seconds) && seconds * 1000 < Date.now();
}

/**
 * The way back to whoever made a call, for pushes: the duplex connection it came over (spec
 * §6.4), or, for a call that came through a message queue, one-way CALLs to the gateway named
 * by its `__mq_return__` for the user in its `__user_id__` (spec §3.4, §7.5 flow 4).
 */
export function callbackTarget(ctx: CallContext): CallTarget {
  const caller = ctx.connection;
  if (!(caller instanceof MqCaller)) return callerTarget(ctx);
  const endpoint = ctx.extra[ExtraKey.mqReturn];
  if (endpoint === undefined)
    throw new RpcError(
      ErrorCode.SENDFAILED,
      `cannot push to the caller: the CALL read from ${caller.endpoint} has no ${ExtraKey.mqReturn}`,
    );
  return pushTarget(caller.writers, endpoint, ctx.userId);
}
