import type { ConnectionInfo, ConnectionState, TargetSpec } from '../../../shared/console-api/types.js';
import type { Broker, BrokerState, MqAddress } from '../../../shared/rpc/connection.js';
import { ErrorCode, RpcError } from '../../../shared/rpc/errors.js';
import { MqCallTarget } from '../../../shared/rpc/mq-call-target.js';
import { openPrivateReplies, type MqReplies } from '../../../shared/rpc/mq-replies.js';
import type { MqTrafficEvent } from '../../../shared/rpc/mq-traffic.js';
import { isCall } from '../../../shared/wire/message.js';
import { connectAmqp } from '../../transports/amqp.js';
import { identity } from '../feed/correlation.js';
import type { ConsoleLink, LinkContext } from './link.js';
import { messageOf } from '../../../shared/message-of.js';

export interface QueueLinkOptions {
  id: string;
  spec: TargetSpec;
  queue: string;
  /** A RabbitMQ URL to connect to (closed with the link), or a broker someone else owns (the sandbox's). */
  broker: { url: string } | { sandbox: Broker };
  /** The URL or description shown, password masked. */
  display: string;
  endpoint: string;
}

/**
 * A console connection straight to a back end's queue (spec §3.4): CALLs are published to the
 * queue with a private reply queue in `__mq_return__`. Pushes cannot reach it (they go through
 * gateways), so no servants. Every message goes into the feed at hop `console`.
 */
export class QueueLink implements ConsoleLink {
  readonly id: string;
  readonly spec: TargetSpec;
  private current: ConnectionState = { state: 'connecting', attempt: 1 };
  private sent: { sequence: number; size: number } | undefined;
  private opened: Promise<MqCallTarget> | undefined;
  private parts: { broker: Broker; replies: MqReplies; target: MqCallTarget; unwatch: () => void } | undefined;
  private closed = false;

  constructor(
    private readonly options: QueueLinkOptions,
    private readonly ctx: LinkContext,
  ) {
    this.id = options.id;
    this.spec = options.spec;
  }

  get state(): ConnectionState {
    return this.current;
  }

  get lastSent(): { sequence: number; size: number } | undefined {
    return this.sent;
  }

  /** Whether it goes through the sandbox's broker (and must close with it). */
  get usesSandbox(): boolean {
    return 'sandbox' in this.options.broker;
  }

  info(): ConnectionInfo {
    const transport = 'amqp';
    return {
      id: this.id,
      target: this.spec,
      url: this.options.display,
      transport,
      state: this.current,
      pushInterfaces: [],
    };
  }

  ready(): Promise<MqCallTarget> {
    if (this.closed) return Promise.reject(new RpcError(ErrorCode.CONNECTION_LOST, 'the connection is closed'));
    this.opened ??= this.open().catch((error: unknown) => {
      this.opened = undefined;
      this.setState({ state: 'closed', reason: messageOf(error) });
      throw error instanceof RpcError
        ? error
        : new RpcError(ErrorCode.CONNECT_FAILED, messageOf(error), { cause: error });
    });
    return this.opened;
  }

  async close(): Promise<void> {
    this.closed = true;
    const parts = this.parts;
    this.parts = undefined;
    if (parts) {
      parts.unwatch();
      await parts.replies.close().catch(() => undefined);
      if ('url' in this.options.broker) await parts.broker.close().catch(() => undefined);
    }
    this.setState({ state: 'closed', reason: 'closed by the user' });
  }

  private async open(): Promise<MqCallTarget> {
    const own = 'url' in this.options.broker;
    const broker =
      'url' in this.options.broker
        ? await connectAmqp(this.options.broker.url, {
            connectionName: 'tce-console',
            connectTimeoutMs: 5_000,
            log: (level, m) => this.ctx.log(level, m),
          })
        : this.options.broker.sandbox;
    try {
      const address: MqAddress = {
        name: this.options.queue,
        type: 'queue',
        durable: true,
        create: 'never',
        subject: '',
      };
      const writer = await broker.openWriter(address);
      const replies = await openPrivateReplies(broker);
      const target = new MqCallTarget(writer, replies, { endpoint: this.options.queue });
      const scope = `console:${this.id}`;
      const who = identity(undefined, replies.endpoint);
      const record = (event: MqTrafficEvent): void => {
        const { direction, message, raw } = event;
        if (direction === 'out') this.sent = { sequence: message.sequence, size: raw.length };
        const push = isCall(message) === (direction === 'in');
        this.ctx.feed.record(
          { hop: 'console', direction, endpoint: this.options.endpoint, peer: this.id, message, raw },
          { scope, user: '', who, push },
        );
      };
      const stopOut = target.onTraffic(record);
      const stopIn = replies.onTraffic(record);
      const stopState = broker.onStateChange((state) => this.setState(brokerState(state)));
      this.parts = {
        broker,
        replies,
        target,
        unwatch: () => {
          stopOut();
          stopIn();
          stopState();
        },
      };
      this.setState(brokerState(broker.state));
      return target;
    } catch (error) {
      if (own) await broker.close().catch(() => undefined);
      throw error;
    }
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.ctx.changed(this);
  }
}

function brokerState(state: BrokerState): ConnectionState {
  switch (state.state) {
    case 'connecting':
      return { state: 'connecting', attempt: 1 };
    case 'open':
      return { state: 'open' };
    case 'reconnecting':
      return { state: 'retrying', attempt: state.attempt, delayMs: 0, lastError: state.lastError };
    case 'closed':
      return { state: 'closed', reason: state.reason };
  }
}
