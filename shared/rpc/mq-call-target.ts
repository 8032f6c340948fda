import { ExtraKey, SendCallType, encodeMessage, type RpcMessage } from '../wire/message.js';
import { callMessage, type CallTarget, type OutgoingCall } from './call.js';
import type { MqWriter, OnConfirm } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MqReplies } from './mq-replies.js';
import type { MqTrafficEvent, MqTrafficListener } from './mq-traffic.js';
import { messageOf } from '../message-of.js';

export interface MqCallTargetOptions {
  /** The request endpoint's name, for traffic events and errors. Default: the writer's queue or topic name. */
  endpoint?: string;
}

/**
 * Calls through a message queue (spec §3.4): CALLs are written to a request queue with
 * `__mq_return__` naming the reply endpoint (every CALL, one-way too, as Python does), and
 * their RETURNs are matched by the shared MqReplies. A proxy on it calls a back end:
 *
 *   const replies = new MqReplies(broker, await broker.openReader(replyQueue), { endpoint: 'mq_gateway' });
 *   const server = new ServerProxy(new MqCallTarget(await broker.openWriter(serverQueue), replies));
 */
export class MqCallTarget implements CallTarget {
  readonly writer: MqWriter;
  readonly replies: MqReplies;
  readonly endpoint: string;
  private readonly traffic = new Listeners<MqTrafficEvent>();

  constructor(writer: MqWriter, replies: MqReplies, options: MqCallTargetOptions = {}) {
    this.writer = writer;
    this.replies = replies;
    this.endpoint = options.endpoint ?? writer.address.name;
  }

  call(call: OutgoingCall): Promise<RpcMessage> {
    if (call.mode === 'oneway')
      return Promise.reject(new RpcError(ErrorCode.SENDFAILED, 'a one-way call goes through send(), not call()'));
    let sequence: number;
    let reply: Promise<RpcMessage>;
    try {
      ({ sequence, reply } = this.replies.open(call.timeout, call.ifidx, call.opidx));
    } catch (error) {
      return Promise.reject(error);
    }
    // Not confirmed by the broker: the CALL may never reach a back end, so the caller hears it now.
    const unconfirmed: OnConfirm = (outcome) => {
      if (!outcome.ok)
        this.replies.fail(
          sequence,
          new RpcError(ErrorCode.SENDFAILED, `${this.endpoint}: the broker did not take the CALL (${outcome.reason})`),
        );
    };
    const failure = this.write(
      call,
      sequence,
      call.mode === 'async' ? SendCallType.async : SendCallType.twoway,
      unconfirmed,
    );
    if (failure) this.replies.fail(sequence, failure);
    return reply;
  }

  send(call: OutgoingCall): void {
    const failure = this.write(call, this.replies.nextSequence(), SendCallType.oneway);
    if (failure) throw failure;
  }

  /** Every CALL written; costs nothing while nobody listens. The replies' onTraffic has the other half. */
  onTraffic(listener: MqTrafficListener): () => void {
    return this.traffic.add(listener);
  }

  /** Writes the CALL; returns the error when it could not be handed to the broker. */
  private write(call: OutgoingCall, sequence: number, calltype: number, confirmed?: OnConfirm): RpcError | undefined {
    const message = callMessage(call, sequence, calltype, {
      ...call.extra,
      [ExtraKey.mqReturn]: this.replies.endpoint,
    });
    try {
      if (!this.writer.send(message, confirmed)) {
        const state = this.replies.broker.state;
        const why =
          state.state === 'reconnecting'
            ? `${this.replies.broker.description} is reconnecting (${state.lastError})`
            : state.state === 'closed'
              ? `${this.replies.broker.description} is closed (${state.reason})`
              : 'the writer cannot take it now (backlog full or channel reopening)';
        return new RpcError(ErrorCode.SENDFAILED, `cannot write to ${this.endpoint}: ${why}`);
      }
    } catch (error) {
      return new RpcError(ErrorCode.SENDFAILED, `cannot write to ${this.endpoint}: ${messageOf(error)}`, {
        cause: error,
      });
    }
    if (this.traffic.size > 0)
      this.traffic.emit({ direction: 'out', message, raw: encodeMessage(message), endpoint: this.endpoint });
    return undefined;
  }
}
