import { ExtraKey, SendCallType, encodeMessage, type RpcMessage } from '../wire/message.js';
import { callMessage, type CallTarget, type OutgoingCall } from './call.js';
import type { MqDirectWriter, MqWriter, OnConfirm } from './connection.js';
import { ErrorCode, RpcError } from './errors.js';
import { Listeners } from './listeners.js';
import type { MqTrafficEvent, MqTrafficListener } from './mq-traffic.js';
import { SequenceGenerator } from './pending.js';
import { messageOf } from '../message-of.js';
import type { Log } from '../log.js';

/** What became of a message handed to MqWriters.send. */
export type MqSendOutcome =
  | { sent: true; endpoint: string }
  /** The broker is unreachable right now. */
  | { sent: false; reason: 'unavailable'; endpoint: string }
  /** No writer has that endpoint name and there is no direct writer to fall back on. */
  | { sent: false; reason: 'no-endpoint'; endpoint: string };

export interface MqWritersOptions {
  /**
   * Publishes to the queue named like the endpoint when no writer has that name. By convention
   * endpoint names equal queue names (spec §3.4), so this reaches private reply queues of tools
   * such as tce-call, and gateways whose reply endpoint this process was not configured with.
   */
  direct?: MqDirectWriter;
  /** Told once, the first time a message goes to a queue by name rather than a configured endpoint. */
  log?: Log;
}

/**
 * A process's MQ writers by endpoint name (config.yml `AF_WRITE` endpoints): where RETURNs go
 * (the endpoint named by the CALL's `__mq_return__`, spec §3.4 step 4) and pushes leave.
 */
export class MqWriters {
  private readonly byName: ReadonlyMap<string, MqWriter>;
  private readonly direct: MqDirectWriter | undefined;
  private readonly log: Log | undefined;
  private readonly traffic = new Listeners<MqTrafficEvent>();
  private toldDirect = false;
  /** One-way CALLs (pushes) need sequences too; one generator for all that leave here. */
  readonly sequences = new SequenceGenerator();

  constructor(writers: Iterable<readonly [string, MqWriter]>, options: MqWritersOptions = {}) {
    this.byName = new Map(writers);
    this.direct = options.direct;
    this.log = options.log;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get(endpoint: string): MqWriter | undefined {
    return this.byName.get(endpoint);
  }

  /**
   * Sends to the endpoint of that name, or else (with a direct writer) to the queue of that name.
   * When sent, `confirmed` (if given) learns whether the broker took it (MqWriter.send).
   */
  send(endpoint: string, message: RpcMessage, confirmed?: OnConfirm): MqSendOutcome {
    const writer = this.byName.get(endpoint);
    let sent: boolean;
    if (writer) {
      sent = writer.send(message, confirmed);
    } else if (this.direct) {
      if (!this.toldDirect) {
        this.toldDirect = true;
        this.log?.(
          'warn',
          `no writer endpoint "${endpoint}" is configured: sending to the queue of that name (endpoint names equal queue names); later such sends are not logged`,
        );
      }
      sent = this.direct.send(endpoint, message, confirmed);
    } else {
      return { sent: false, reason: 'no-endpoint', endpoint };
    }
    if (!sent) return { sent: false, reason: 'unavailable', endpoint };
    if (this.traffic.size > 0) this.traffic.emit({ direction: 'out', message, raw: encodeMessage(message), endpoint });
    return { sent: true, endpoint };
  }

  /** Every message sent through these writers; costs nothing while nobody listens. */
  onTraffic(listener: MqTrafficListener): () => void {
    return this.traffic.add(listener);
  }
}

/** Why a send failed, for error messages and logs. */
export function describeSendFailure(outcome: MqSendOutcome & { sent: false }): string {
  return outcome.reason === 'unavailable'
    ? `the broker is unreachable, endpoint "${outcome.endpoint}" cannot be written now`
    : `no writer endpoint is named "${outcome.endpoint}"`;
}

/**
 * A CallTarget for pushes from a back end (spec §3.4 "Server push through MQ", §7.5 flows 4
 * and 5): one-way CALLs carrying `__user_id__ = userId`, written to `endpoint` — the gateway's
 * queue learned from a request's `__mq_return__`, or the broadcast topic, which every gateway
 * reads and which reaches the user wherever he is connected. Server-to-client calls have no
 * return route through a gateway (§7.3), so two-way calls are refused.
 *
 *   new ITerminalProxy(pushTarget(writers, 'mq_gateway', '1')).onMessageOneway('hi')
 */
export function pushTarget(writers: MqWriters, endpoint: string, userId: string | undefined): CallTarget {
  return {
    call(call: OutgoingCall): Promise<RpcMessage> {
      return Promise.reject(
        new RpcError(
          ErrorCode.SENDFAILED,
          `pushes through MQ are one-way: a gateway has no route back for the reply of ifidx ${call.ifidx} opidx ${call.opidx} (use the Oneway method)`,
        ),
      );
    },
    send(call: OutgoingCall): void {
      const extra = userId === undefined ? { ...call.extra } : { ...call.extra, [ExtraKey.userId]: userId };
      const message = callMessage(call, writers.sequences.next(), SendCallType.oneway, extra);
      let outcome: MqSendOutcome;
      try {
        outcome = writers.send(endpoint, message);
      } catch (error) {
        throw new RpcError(
          ErrorCode.SENDFAILED,
          `push ifidx ${call.ifidx} opidx ${call.opidx} not sent: ${messageOf(error)}`,
          { cause: error },
        );
      }
      if (!outcome.sent)
        throw new RpcError(
          ErrorCode.SENDFAILED,
          `push ifidx ${call.ifidx} opidx ${call.opidx} to user ${userId ?? '(none)'} not sent: ${describeSendFailure(outcome)}`,
        );
    },
  };
}
