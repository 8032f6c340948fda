import { CallType, ExtraKey, isCall, type RpcMessage } from '../wire/message.js';
import { errorReturn, type Adapter } from './adapter.js';
import type { CallTarget } from './call.js';
import type { MqReader } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MqTrafficEvent, MqTrafficListener } from './mq-traffic.js';
import { describeSendFailure, pushTarget, type MqSendOutcome, type MqWriters } from './mq-writers.js';
import { callerTarget } from './peer.js';
import type { CallContext, CallerConnection } from './servant.js';

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
  log?: (line: string) => void;
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
 * CALL's `__mq_return__`, copying call_id and `__user_id__` so a gateway can route it.
 */
export class MqAdapter {
  readonly adapter: Adapter;
  readonly writers: MqWriters;
  private readonly maxDispatching: number;
  private readonly onOther: MqAdapterOptions['onOther'];
  private readonly log: (line: string) => void;
  private readonly callers = new Map<string, MqCaller>();
  private readonly readers: MqReader[] = [];
  private readonly served: string[] = [];
  private readonly traffic = new Listeners<MqTrafficEvent>();
  private readonly told = new Set<string>();
  private running = 0;

  constructor(options: MqAdapterOptions) {
    this.adapter = options.adapter;
    this.writers = options.writers;
    this.maxDispatching = options.maxDispatching ?? DEFAULT_MQ_MAX_DISPATCHING;
    this.onOther = options.onOther;
    this.log = options.log ?? (() => {});
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
    reader.listen((message, raw) => this.receive(message, raw, endpoint));
  }

  /** Serves one message read elsewhere (a gateway reads its queues itself and passes CALLs for its own servants). */
  receive(message: RpcMessage, raw: Uint8Array, endpoint: string): void {
    if (this.traffic.size > 0) this.traffic.emit({ direction: 'in', message, raw, endpoint });
    if (!isCall(message)) {
      if (this.onOther) this.onOther(message, raw, endpoint);
      else this.tellOnce(`other:${endpoint}`, `${endpoint}: dropped a message that is not a CALL (calltype 0x${message.calltype.toString(16)}); later ones are not logged`);
      return;
    }
    if (lingeredOut(message)) {
      this.log(`${endpoint}: dropped CALL sequence ${message.sequence}: its ${ExtraKey.lingerTime} ${message.extra[ExtraKey.lingerTime]} has passed`);
      return;
    }
    const respond = (reply: RpcMessage): void => this.respond(message, reply, endpoint);
    if (this.running >= this.maxDispatching) {
      this.log(`${endpoint}: refused CALL sequence ${message.sequence}: ${this.maxDispatching} calls are running`);
      if ((message.calltype & CallType.ONEWAY) === 0) respond(errorReturn(message, ErrorCode.REMOTEMETHOD_EXCEPTION));
      return;
    }
    const pending = this.adapter.dispatch(message, this.caller(endpoint), message.extra[ExtraKey.userId], respond);
    if (!pending) return;
    this.running++;
    void pending.then(() => {
      this.running--;
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

  private respond(call: RpcMessage, reply: RpcMessage, endpoint: string): void {
    const target = call.extra[ExtraKey.mqReturn];
    if (target === undefined) {
      this.tellOnce(`no-return:${endpoint}`, `${endpoint}: a CALL without ${ExtraKey.mqReturn} got no RETURN (ifidx ${call.ifidx} opidx ${call.opidx}, sequence ${call.sequence}); later ones are not logged`);
      return;
    }
    let outcome: MqSendOutcome;
    try {
      outcome = this.writers.send(target, reply);
    } catch (error) {
      // A RETURN that cannot be encoded (a servant put a non-string into replyExtra): the caller gets 6.
      this.log(`${endpoint}: RETURN for sequence ${call.sequence} could not be sent (${(error as Error).message}); answering error 6`);
      outcome = this.writers.send(target, errorReturn(reply, ErrorCode.REMOTEMETHOD_EXCEPTION));
    }
    if (!outcome.sent) this.log(`${endpoint}: RETURN for sequence ${call.sequence} (ifidx ${call.ifidx} opidx ${call.opidx}) dropped: ${describeSendFailure(outcome)}`);
  }

  private tellOnce(key: string, line: string): void {
    if (this.told.has(key)) return;
    this.told.add(key);
    this.log(line);
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
  if (endpoint === undefined) throw new RpcError(ErrorCode.SENDFAILED, `cannot push to the caller: the CALL read from ${caller.endpoint} has no ${ExtraKey.mqReturn}`);
  return pushTarget(caller.writers, endpoint, ctx.userId);
}
