import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { CALL_ID_FORWARDED, decodeMessage, ExtraKey, isCall, type RpcMessage } from '../../shared/wire/message.js';
import { amqplibConnection, describeAmqpUrl, hostPort, parseAmqpUrl } from '../transports/amqp-url.js';
import { errorReason } from '../transports/amqp.js';
import { identity } from '../host/feed/correlation.js';
import type { Feed } from '../host/feed/feed.js';
import type { MqEndpoints } from './mq-endpoints.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

/** RabbitMQ's firehose: every publish and delivery of a vhost, once `rabbitmqctl trace_on -p <vhost>`. */
export const TRACE_EXCHANGE = 'amq.rabbitmq.trace';
const TRACE_KEYS = ['publish.#', 'deliver.#'] as const;
/** The tap's own queue holds at most this many trace messages; past it the broker drops the oldest (counted as `dropped` by nobody: see docs/attach.md). */
const MAX_QUEUED = 200_000;

export interface TapOptions {
  id: string;
  /** `amqp://user:password@host:port/vhost`: the vhost is the one watched. */
  amqpUrl: string;
  feed: Feed;
  endpoints: MqEndpoints;
  log: Log;
  /** How long the tracing probe may take to come back. Default 3 000 ms. */
  probeTimeoutMs?: number;
  changed?: () => void;
}

export interface TapCounters {
  /** Trace messages read. */
  seen: number;
  /** Of them, the project's: recorded in the feed. */
  recorded: number;
  /** Of them, bodies that are no RpcMessage (recorded nowhere, logged once). */
  undecodable: number;
}

/** Tracing is off on the vhost: the message says how to turn it on. The tap never does it itself. */
export class TracingOffError extends Error {
  override readonly name = 'TracingOffError';
  constructor(readonly vhost: string) {
    super(
      `RabbitMQ tracing is off on vhost "${vhost}": turn it on with \`rabbitmqctl trace_on -p ${vhost}\` (and off again with \`rabbitmqctl trace_off -p ${vhost}\`); the console never turns it on by itself`,
    );
  }
}

const headerString = (value: unknown): string =>
  typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : '';

/**
 * A broker tap: reads the firehose of one vhost through a private, exclusive, auto-delete
 * queue bound to `amq.rabbitmq.trace` (`publish.#`, `deliver.#`), keeps the messages of the
 * project's MQ endpoints and records them at hop `queue` (`out` = published to the endpoint,
 * `in` = delivered from it). It never consumes, gets or requeues the project's own queues: the
 * firehose hands it copies. At start it publishes one probe message that routes nowhere; if the
 * probe's trace does not come back, tracing is off and start fails with TracingOffError.
 */
export class BrokerTap {
  readonly counters: TapCounters = { seen: 0, recorded: 0, undecodable: 0 };
  readonly vhost: string;
  readonly url: string;
  private channel: Channel | undefined;
  private probe: { key: string; seen: () => void } | undefined;
  private closed = false;
  private undecodableLogged = false;

  private constructor(
    private readonly options: TapOptions,
    private readonly model: ChannelModel,
    vhost: string,
  ) {
    this.vhost = vhost;
    this.url = describeAmqpUrl(options.amqpUrl);
  }

  static async start(options: TapOptions): Promise<BrokerTap> {
    const parsed = parseAmqpUrl(options.amqpUrl);
    let model: ChannelModel;
    try {
      model = await connect(amqplibConnection(parsed, parsed.heartbeat ?? 30), {
        noDelay: true,
        timeout: 10_000,
        clientProperties: { connection_name: `tce tap ${options.id}` },
      });
    } catch (error) {
      throw new Error(
        `cannot connect to RabbitMQ at ${hostPort(parsed)} (vhost "${parsed.vhost}", user "${parsed.username}"): ${errorReason(error)}`,
      );
    }
    const tap = new BrokerTap(options, model, parsed.vhost);
    try {
      await tap.listen(await model.createChannel());
      await tap.checkTracing(options.probeTimeoutMs ?? 3_000);
    } catch (error) {
      await tap.close();
      throw error;
    }
    return tap;
  }

  /** False once closed, by close() or by the broker. */
  get running(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Closing the connection deletes the exclusive queue with it.
    await this.model.close().catch(() => undefined);
  }

  private async listen(channel: Channel): Promise<void> {
    this.model.on('error', (error: unknown) =>
      this.options.log('warn', `tap ${this.url}: connection error: ${errorReason(error)}`),
    );
    this.model.on('close', () => {
      if (!this.closed) this.options.log('error', `tap ${this.url}: the broker closed the connection; the tap stopped`);
      this.closed = true;
      this.options.changed?.();
    });
    const { queue } = await channel.assertQueue('', {
      exclusive: true,
      autoDelete: true,
      durable: false,
      arguments: { 'x-max-length': MAX_QUEUED },
    });
    for (const key of TRACE_KEYS) await channel.bindQueue(queue, TRACE_EXCHANGE, key);
    // noAck: a copy of the firehose is ours alone; TCP flow control bounds what waits in this process.
    await channel.consume(queue, (m) => m && this.read(m), { noAck: true, exclusive: true });
    this.channel = channel;
  }

  /** Publishes a message routed nowhere (a fresh routing key on the default exchange) and waits for its trace. */
  private async checkTracing(timeoutMs: number): Promise<void> {
    const key = `tce-tap-probe-${randomBytes(8).toString('hex')}`;
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.probe = {
        key,
        seen: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    this.channel!.publish('', key, Buffer.alloc(0));
    const on = await seen;
    this.probe = undefined;
    if (!on) throw new TracingOffError(this.vhost);
  }

  private read(m: ConsumeMessage): void {
    const key = m.fields.routingKey;
    const headers = m.properties.headers ?? {};
    const exchange = headerString(headers['exchange_name']);
    const keys = Array.isArray(headers['routing_keys']) ? (headers['routing_keys'] as unknown[]).map(headerString) : [];
    if (this.probe && key === 'publish.' && keys.includes(this.probe.key)) return this.probe.seen();
    this.counters.seen++;
    let endpoint: string | undefined;
    let direction: 'in' | 'out';
    let where: string;
    if (key.startsWith('publish.')) {
      direction = 'out';
      where = key.slice('publish.'.length);
      endpoint = keys.map((k) => this.options.endpoints.published(where, k)).find((e) => e !== undefined);
    } else if (key.startsWith('deliver.')) {
      direction = 'in';
      where = key.slice('deliver.'.length);
      endpoint = this.options.endpoints.delivered(where, exchange);
    } else return;
    if (endpoint === undefined) return;
    const raw = new Uint8Array(m.content.buffer, m.content.byteOffset, m.content.length);
    let message: RpcMessage;
    try {
      message = decodeMessage(raw);
    } catch (error) {
      this.counters.undecodable++;
      if (!this.undecodableLogged)
        this.options.log(
          'warn',
          `tap ${this.url}: a message on ${endpoint} is no RpcMessage (${messageOf(error)}); such messages are counted, not recorded`,
        );
      this.undecodableLogged = true;
      return;
    }
    this.record(message, raw, direction, endpoint, where, headers['timestamp_in_ms']);
  }

  private record(
    message: RpcMessage,
    raw: Uint8Array,
    direction: 'in' | 'out',
    endpoint: string,
    where: string,
    timestamp: unknown,
  ): void {
    const { endpoints, feed } = this.options;
    const userId = message.extra[ExtraKey.userId];
    const call = isCall(message);
    // A back end's call to a client goes to a gateway's queue unforwarded; a client's call was forwarded (bit 15).
    const gatewayQueue = endpoints.gatewayOf(endpoint);
    const push = call && (message.callId & CALL_ID_FORWARDED) === 0 && gatewayQueue !== undefined;
    const replyTo = message.extra[ExtraKey.mqReturn];
    const gateway = push || !call ? gatewayQueue : replyTo === undefined ? undefined : endpoints.gatewayOf(replyTo);
    const time = typeof timestamp === 'number' ? timestamp : undefined;
    feed.record(
      {
        hop: 'queue',
        direction,
        endpoint,
        peer:
          direction === 'out' ? `published to ${where === '' ? '(default exchange)' : where}` : `from queue ${where}`,
        userId,
        gateway: userId === undefined ? undefined : gateway,
        note: `broker tap on vhost ${this.vhost}`,
        message,
        raw,
        ...(time === undefined ? {} : { time }),
      },
      {
        scope: `tap:${this.options.id}`,
        user: userId ?? '',
        who: identity(userId, push ? undefined : gateway),
        push,
      },
    );
    this.counters.recorded++;
    this.options.changed?.();
  }
}
