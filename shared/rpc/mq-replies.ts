import { isReturn, type RpcMessage } from '../wire/message.js';
import type { Broker, BrokerState, MqReader } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MqTrafficEvent, MqTrafficListener } from './mq-traffic.js';
import { PendingCalls, type PendingCall, type PendingCallsOptions } from './pending.js';

export interface MqRepliesOptions extends Omit<PendingCallsOptions, 'description'> {
  /**
   * The name CALLs carry in `__mq_return__`: the reply endpoint's name as the responders know
   * it (config.yml / services.xml). Default: the reader's queue name, which for a private reply
   * queue is the name the broker gave it (a new one after a reconnect).
   */
  endpoint?: string;
  /** Messages on the reply queue that no call here awaits: CALLs (pushes), late or foreign RETURNs. */
  onUnmatched?: (message: RpcMessage, raw: Uint8Array) => void;
}

/**
 * The reply side of RPC over a message queue (the "loopback", spec §3.4): one reader of a reply
 * queue and one table of calls awaiting a RETURN there, matched by sequence. Any number of
 * MqCallTargets (one per request queue) share it; their sequences come from this one table, so
 * they never collide. When the broker connection is lost or closed, every waiting call fails
 * at once with 104 CONNECTION_LOST: its RETURN could only arrive on a queue that may be gone.
 */
export class MqReplies {
  readonly broker: Broker;
  readonly reader: MqReader;
  private readonly pending: PendingCalls;
  private readonly fixedEndpoint: string | undefined;
  private readonly onUnmatched: MqRepliesOptions['onUnmatched'];
  private readonly traffic = new Listeners<MqTrafficEvent>();
  private readonly stopWatching: () => void;
  private closed = false;

  constructor(broker: Broker, reader: MqReader, options: MqRepliesOptions = {}) {
    this.broker = broker;
    this.reader = reader;
    this.fixedEndpoint = options.endpoint;
    this.onUnmatched = options.onUnmatched;
    this.pending = new PendingCalls({
      timeout: options.timeout,
      maxInFlight: options.maxInFlight,
      description: `MQ replies on ${this.endpoint}`,
    });
    this.stopWatching = broker.onStateChange((state) => this.brokerChanged(state));
    reader.listen((message, raw) => this.receive(message, raw));
  }

  /** The `__mq_return__` value of CALLs whose RETURN should come here. */
  get endpoint(): string {
    return this.fixedEndpoint ?? this.reader.address.name;
  }

  /** Calls awaiting a RETURN. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Registers a call; throws RpcError SENDFAILED when closed or too many calls wait, RangeError for a bad timeout. */
  open(timeout: number | undefined, ifidx: number, opidx: number): PendingCall {
    if (this.closed) throw new RpcError(ErrorCode.SENDFAILED, `MQ replies on ${this.endpoint} are closed`);
    return this.pending.open(timeout, ifidx, opidx);
  }

  /** A sequence for a one-way CALL, unused by any waiting call. */
  nextSequence(): number {
    return this.pending.nextSequence();
  }

  /** Fails one waiting call, e.g. when its CALL could not be sent. */
  fail(sequence: number, error: RpcError): void {
    this.pending.fail(sequence, error);
  }

  /** Every message arriving on the reply queue; costs nothing while nobody listens. */
  onTraffic(listener: MqTrafficListener): () => void {
    return this.traffic.add(listener);
  }

  /** Stops reading the reply queue; waiting calls fail with 104. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatching();
    this.pending.failAll(ErrorCode.CONNECTION_LOST, 'the reply queue was closed');
    await this.reader.close();
  }

  private receive(message: RpcMessage, raw: Uint8Array): void {
    if (this.traffic.size > 0) this.traffic.emit({ direction: 'in', message, raw, endpoint: this.endpoint });
    if (isReturn(message) && this.pending.settle(message)) return;
    this.onUnmatched?.(message, raw);
  }

  private brokerChanged(state: BrokerState): void {
    if (state.state === 'reconnecting')
      this.pending.failAll(ErrorCode.CONNECTION_LOST, `the broker connection was lost (${state.lastError})`);
    else if (state.state === 'closed')
      this.pending.failAll(ErrorCode.CONNECTION_LOST, `the broker connection closed (${state.reason})`);
  }
}

/**
 * Replies on a private queue of the broker's naming (exclusive, auto-delete, spec §3.4): for
 * tools such as tce-call that call a back end's queue directly. A back end answers to the queue
 * named in `__mq_return__` when it has no writer endpoint of that name (MqWriters' direct writer).
 */
export async function openPrivateReplies(
  broker: Broker,
  options: Omit<MqRepliesOptions, 'endpoint'> = {},
): Promise<MqReplies> {
  return new MqReplies(broker, await broker.openPrivateReader(), options);
}
