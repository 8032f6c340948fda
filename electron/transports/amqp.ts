import { Writable } from 'node:stream';
import {
  connect,
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  type RecoveringChannelModel,
} from 'amqplib';
import type {
  Broker,
  BrokerState,
  MqAckMode,
  MqAddress,
  MqConfirm,
  MqDelivery,
  MqDirectWriter,
  MqListener,
  MqListenOptions,
  MqReader,
  MqWriter,
  OnConfirm,
} from '../../shared/rpc/connection.js';
import { Backoff, secondsText, type BackoffOptions } from '../../shared/rpc/backoff.js';
import { ErrorCode, RpcError } from '../../shared/rpc/errors.js';
import { Fifo } from '../../shared/rpc/fifo.js';
import { decodeMessage, encodeMessage, type RpcMessage } from '../../shared/wire/message.js';
import { ChannelAcks, HeldDelivery } from './amqp-acks.js';
import { amqplibConnection, describeAmqpUrl, hostPort, parseAmqpUrl, type AmqpUrl } from './amqp-url.js';
import { BrokerStateEmitter, describeNode } from './broker-state.js';
import { trace, type Log } from '../../shared/log.js';
import { consoleLog } from '../log.js';

/**
 * RabbitMQ transport (spec §3.4, §8) over amqplib with its built-in connection recovery.
 *
 * - One connection; one channel per reader and per writer, so a channel error (publishing to an
 *   exchange someone deleted, a passive check failing) hits only that endpoint.
 * - After a reconnect every endpoint opens a new channel, declares its node again and, for
 *   readers, consumes again (writers first): the same MqReader/MqWriter objects keep working. A topic reader
 *   gets a new private queue, so topic messages published during the outage are lost (Qpid's
 *   unreliable link, as in the original).
 * - While the connection is down, `send` returns false (the caller fails the call with
 *   SENDFAILED); nothing is queued for later, because the RPC layer fails pending calls when
 *   the state turns `reconnecting`, and replaying them afterwards would only produce orphans.
 * - `send` never waits: when amqplib says its channel buffer is full, messages wait in a
 *   bounded backlog until 'drain'; past `maxBufferedMessages` `send` returns false.
 * - Writers' channels are in confirm mode: `send(message, confirmed)` learns whether RabbitMQ
 *   took each message. Messages to a durable queue are persistent (delivery mode 2), so a
 *   confirmed one survives a broker restart; others are transient, as the original's.
 * - Readers consume from the moment they are opened and hold deliveries unacked until
 *   `listen()` (bounded by the prefetch). `on-receipt` listeners get each message acked before
 *   dispatch (as Python does); `by-listener` ones ack or reject it themselves, and what they hold
 *   unsettled returns to the queue when the channel goes. Acks leave once per event-loop turn,
 *   as few frames as the held deliveries allow (ChannelAcks). Undecodable bodies are logged and dropped.
 * - `close()` closes every channel before the connection, so the last acks are not overtaken
 *   and RabbitMQ redelivers nothing already taken; it is idempotent and ends recovery.
 */

export interface AmqpBrokerOptions {
  /** `connection_name` client property: RabbitMQ shows it, tests close connections by it. Default `tce-console`. */
  connectionName?: string;
  /** Heartbeat in seconds, 0 = none; `?heartbeat=N` in the URL wins. Default 10. */
  heartbeatSeconds?: number;
  /** Unacknowledged deliveries per reader (basic.qos): with `by-listener` acks, the calls a back end serves at once. Default 4000, Python's receiver capacity. */
  prefetch?: number;
  /** Messages a writer holds while its channel is backed up; past this `send` returns false. Default 10 000. */
  maxBufferedMessages?: number;
  /** Socket connect timeout. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect backoff (default 200 ms up to 5 s); after maxAttempts failed reconnects, `closed`. */
  reconnect?: BackoffOptions & { maxAttempts?: number };
  /** Where warnings go (dropped messages, channel errors, reconnects). Default console.warn. */
  log?: Log;
}

type Settings = Required<Omit<AmqpBrokerOptions, 'reconnect'>>;

/** A RabbitMQ broker, and whether its writes are batched per event-loop turn (see TurnEnd). */
export interface AmqpBrokerInfo extends Broker {
  /** False when amqplib's socket was not where TurnEnd looks: every frame is its own syscall then. */
  readonly writesBatched: boolean;
}

/** Connects to RabbitMQ; rejects with RpcError CONNECT_UNREACHABLE / CONNECT_REJECT if the first attempt fails. */
export async function connectAmqp(url: string, options: AmqpBrokerOptions = {}): Promise<AmqpBrokerInfo> {
  const parsed = parseAmqpUrl(url);
  const settings: Settings = {
    connectionName: options.connectionName ?? 'tce-console',
    heartbeatSeconds: parsed.heartbeat ?? options.heartbeatSeconds ?? 10,
    prefetch: options.prefetch ?? 4000,
    maxBufferedMessages: options.maxBufferedMessages ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    log: options.log ?? consoleLog('amqp'),
  };
  const reconnects = new Backoff(options.reconnect ?? {}, { initialDelayMs: 200, maxDelayMs: 5_000 });
  const recovering = await connect(amqplibConnection(parsed, settings.heartbeatSeconds), {
    noDelay: true, // without it every request/reply pays Nagle + delayed ACK (~40 ms)
    timeout: settings.connectTimeoutMs,
    clientProperties: { connection_name: settings.connectionName },
    recovery: {
      initialMaxRetries: 0, // the first attempt fails fast with a clear error
      maxRetries: options.reconnect?.maxAttempts ?? Infinity,
      calculateDelay: (attempt) => reconnects.delay(attempt),
      waitForConnect: false,
    },
  });
  const broker = new AmqpBroker(parsed, recovering, settings);
  try {
    await recovering.waitForConnect();
  } catch (err) {
    throw connectError(parsed, err);
  }
  return broker;
}

/**
 * The end of an event-loop turn on one connection. amqplib writes every frame (a publish, an
 * ack) to its socket with its own write, i.e. its own syscall; corking the socket until the end
 * of the turn sends them in one writev. Measured with the gateway bench: twice the calls/s
 * through gateway and back end. Tasks given to `atEnd` (readers' acks, gathered over the turn)
 * run just before, so their frames share that writev. The socket is amqplib's internal
 * `connection.stream`; if a later amqplib hides it, writes stay unbatched (`batched` false: the
 * broker says so in its log and `writesBatched`, and a test fails) and tasks still run.
 */
class TurnEnd {
  readonly batched: boolean;
  private readonly stream: Writable | undefined;
  private readonly tasks: (() => void)[] = [];
  private scheduled = false;

  constructor(model: ChannelModel) {
    const stream = (model.connection as { stream?: unknown }).stream;
    this.stream = stream instanceof Writable ? stream : undefined;
    this.batched = this.stream !== undefined;
    if (!this.stream) return;
    const write = this.stream.write.bind(this.stream) as (...args: unknown[]) => boolean;
    this.stream.write = ((...args: unknown[]): boolean => {
      this.schedule();
      return write(...args);
    }) as typeof this.stream.write;
  }

  atEnd(task: () => void): void {
    this.tasks.push(task);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.stream?.cork();
    process.nextTick(this.end);
  }

  private readonly end = (): void => {
    try {
      // Tasks write into the corked stream; one that adds a task has it run here too.
      for (let i = 0; i < this.tasks.length; i++) this.tasks[i]!();
    } finally {
      this.tasks.length = 0;
      this.scheduled = false;
      this.stream?.uncork();
    }
  };
}

function connectError(url: AmqpUrl, err: unknown): RpcError {
  // amqplib drops the server's text when connection.open is refused; that only happens for the vhost.
  const vhostRefused = err instanceof Error && /Expected ConnectionOpenOk; got <ConnectionClose/.test(err.message);
  const reason = vhostRefused
    ? `vhost "${url.vhost}" does not exist or user "${url.username}" may not use it`
    : errorReason(err);
  // Socket errors carry a string code (ECONNREFUSED, ENOTFOUND…); AMQP refusals a numeric reply code.
  const unreachable =
    err instanceof Error && (typeof (err as { code?: unknown }).code === 'string' || /ETIMEDOUT/.test(err.message));
  return unreachable
    ? new RpcError(ErrorCode.CONNECT_UNREACHABLE, `cannot reach RabbitMQ at ${hostPort(url)}: ${reason}`, {
        cause: err,
      })
    : new RpcError(ErrorCode.CONNECT_REJECT, `RabbitMQ at ${hostPort(url)} refused the connection: ${reason}`, {
        cause: err,
      });
}

/** The useful part of an amqplib or socket error: `ECONNREFUSED`, `NOT_FOUND - no queue 'x' in vhost '/'`. */
export function errorReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return /with message "(.*)"/.exec(err.message)?.[1] ?? err.message;
}

class AmqpBroker implements AmqpBrokerInfo {
  readonly kind = 'amqp';
  readonly description: string;
  /** The live connection; null while reconnecting or closed. */
  model: ChannelModel | null = null;
  /** The current connection's turn end; the last one's while reconnecting. */
  private turnEnd: TurnEnd | undefined;
  get writesBatched(): boolean {
    return this.turnEnd?.batched ?? false;
  }
  private readonly endpoints = new Set<AmqpEndpoint<Channel>>();
  private readonly states = new BrokerStateEmitter({ state: 'connecting' }, (level, m) => this.settings.log(level, m));
  private closing: Promise<void> | null = null;

  constructor(
    url: AmqpUrl,
    private readonly recovering: RecoveringChannelModel,
    readonly settings: Settings,
  ) {
    this.description = describeAmqpUrl(url);
    recovering.on('connect', (model: ChannelModel) => this.onConnect(model));
    recovering.on('disconnect', () => {
      this.model = null;
      for (const endpoint of this.endpoints) endpoint.detach();
    });
    recovering.on('reconnect-scheduled', ({ attempt, error }: { attempt: number; error: Error }) => {
      if (this.states.current.state !== 'connecting')
        this.setState({ state: 'reconnecting', attempt, lastError: errorReason(error) });
    });
    recovering.on('reconnect-failed', (error: Error) => {
      if (this.states.current.state !== 'connecting')
        void (this.closing ??= this.shutdown(`gave up reconnecting: ${errorReason(error)}`));
    });
    recovering.on('error', (error: Error) => this.log('warn', `connection error: ${errorReason(error)}`));
    recovering.on('blocked', (reason: string) => this.log('warn', `RabbitMQ blocked publishing: ${reason}`));
    recovering.on('unblocked', () => this.log('warn', 'RabbitMQ unblocked publishing'));
  }

  get state(): BrokerState {
    return this.states.current;
  }

  onStateChange(listener: (state: BrokerState) => void): () => void {
    return this.states.subscribe(listener);
  }

  readonly log: Log = (level, message) => this.settings.log(level, `${this.description}: ${message}`);

  private setState(state: BrokerState): void {
    if (state.state === 'reconnecting') {
      this.log(
        'warn',
        state.attempt === 1
          ? `connection lost: ${state.lastError}; reconnecting`
          : `reconnect attempt ${state.attempt - 1} failed: ${state.lastError}; trying again`,
      );
    }
    this.states.set(state);
  }

  /** (Re)connected: re-attach every endpoint, then report `open` (at once if there is none, so connectAmqp resolves `open`). */
  private onConnect(model: ChannelModel): void {
    this.model = model;
    this.turnEnd = new TurnEnd(model);
    if (!this.writesBatched)
      this.log('warn', "amqplib's socket is not where it was: writes are not batched per tick (half the throughput)");
    const reattach = (endpoints: AmqpEndpoint[]): Promise<unknown> =>
      Promise.all(
        endpoints.map((endpoint) =>
          endpoint
            .attach(model)
            .catch((err: unknown) => endpoint.retryLater(`cannot re-open after reconnect: ${errorReason(err)}`)),
        ),
      );
    const all = [...this.endpoints];
    if (all.length === 0) return this.opened(model);
    // Writers first: a redelivered CALL served before its RETURN's writer is back would only go round again.
    const readers = all.filter((e) => e instanceof AmqpReader);
    void reattach(all.filter((e) => !(e instanceof AmqpReader)))
      .then(() => reattach(readers))
      .then(() => this.opened(model));
  }

  private opened(model: ChannelModel): void {
    if (this.model !== model || this.closing) return; // lost again meanwhile, or closed
    if (this.states.current.state !== 'connecting') this.log('warn', 'connection re-established');
    this.setState({ state: 'open' });
  }

  openWriter(address: MqAddress): Promise<MqWriter> {
    return this.open(new AmqpWriter(this, address));
  }

  openReader(address: MqAddress): Promise<MqReader> {
    return this.open(new AmqpReader(this, address));
  }

  openPrivateReader(): Promise<MqReader> {
    return this.open(
      new AmqpReader(this, { name: '(private)', type: 'queue', durable: false, create: 'never', subject: '' }, true),
    );
  }

  openDirectWriter(): Promise<MqDirectWriter> {
    return this.open(new AmqpDirectWriter(this));
  }

  private async open<E extends AmqpEndpoint>(endpoint: E): Promise<E> {
    const model = this.model;
    if (this.closing)
      throw new Error(`cannot open ${endpoint.label}: the RabbitMQ connection ${this.description} is closed`);
    if (!model) {
      const state = this.states.current;
      const why =
        state.state === 'reconnecting' ? `reconnecting (attempt ${state.attempt}: ${state.lastError})` : state.state;
      throw new Error(`cannot open ${endpoint.label}: RabbitMQ ${this.description} is not connected, ${why}`);
    }
    this.endpoints.add(endpoint);
    try {
      await endpoint.attach(model);
    } catch (err) {
      this.endpoints.delete(endpoint);
      await endpoint.dispose();
      throw new Error(`cannot open ${endpoint.label} on ${this.description}: ${errorReason(err)}`, { cause: err });
    }
    return endpoint;
  }

  /** Runs `task` at the end of this event-loop turn, just before the turn's writes leave. */
  atTurnEnd(task: () => void): void {
    if (this.turnEnd) this.turnEnd.atEnd(task);
    else process.nextTick(task);
  }

  forget(endpoint: AmqpEndpoint): void {
    this.endpoints.delete(endpoint);
  }

  close(): Promise<void> {
    return (this.closing ??= this.shutdown('closed by the application'));
  }

  private async shutdown(reason: string): Promise<void> {
    const endpoints = [...this.endpoints];
    this.endpoints.clear();
    // Channels first: a channel's close follows its acks and publishes on the wire, whereas the
    // connection's close can overtake them, and RabbitMQ would redeliver messages we already took.
    await Promise.all(endpoints.map((endpoint) => endpoint.dispose()));
    this.model = null;
    await this.recovering.close().catch((err: unknown) => this.log('warn', `error while closing: ${errorReason(err)}`));
    this.states.set({ state: 'closed', reason });
  }
}

/** Between attempts to re-open a lost channel while the connection lives. */
const channelRetries = new Backoff({}, { initialDelayMs: 1_000, maxDelayMs: 30_000 });

/**
 * A reader or writer: owns one channel at a time. `attach` opens a channel on a connection and
 * sets it up; a channel lost while the connection lives (channel error, queue deleted) is
 * retried with backoff, a lost connection is handled by the broker re-attaching everything.
 */
abstract class AmqpEndpoint<C extends Channel = Channel> {
  protected channel: C | null = null;
  protected closed = false;
  private epoch = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Failed re-opens since the channel was last set up. */
  private retryFailures = 0;
  readonly label: string;

  constructor(
    protected readonly broker: AmqpBroker,
    readonly address: MqAddress,
    role: 'reader' | 'writer',
  ) {
    this.label = `${role} for ${describeNode(address)}`;
  }

  /** A fresh channel: plain for readers, in confirm mode for writers. */
  protected abstract openChannel(model: ChannelModel): Promise<C>;
  /** Declares the node (and subscribes, for readers) on a fresh channel. */
  protected abstract setup(channel: C): Promise<void>;
  /** A channel of this endpoint closed (the current one or a superseded one): forget its state. */
  protected abstract channelClosed(channel: C): void;

  async attach(model: ChannelModel): Promise<void> {
    const epoch = ++this.epoch;
    clearTimeout(this.retryTimer);
    const channel = await this.openChannel(model);
    let lost = false;
    channel.on('error', (err: Error) => {
      // Errors during setup reach the caller through the failed operation; later ones are logged here.
      if (this.channel === channel)
        this.broker.log('warn', `${this.label}: channel closed by RabbitMQ: ${errorReason(err)}`);
    });
    channel.on('close', () => {
      lost = true;
      this.channelClosed(channel);
      if (this.channel !== channel) return;
      this.channel = null;
      this.retryLater();
    });
    try {
      await this.setup(channel);
      if (lost) throw new Error('the channel closed during setup');
    } catch (err) {
      closeQuietly(channel);
      throw err;
    }
    if (epoch !== this.epoch || this.closed || this.broker.model !== model) {
      closeQuietly(channel); // superseded by a newer attach, a close or a reconnect
      return;
    }
    this.channel = channel;
    this.retryFailures = 0;
    trace(this.broker.log, 'amqp', () => `${this.label}: channel open`);
  }

  /**
   * Re-attaches after a delay if the connection is up; a reconnect re-attaches anyway.
   * `why` (a failed re-open) is logged with the delay.
   */
  retryLater(why?: string): void {
    if (this.closed) return;
    clearTimeout(this.retryTimer);
    const delay = channelRetries.delay(++this.retryFailures);
    if (why !== undefined) this.broker.log('warn', `${this.label}: ${why}; retrying in ${secondsText(delay)}`);
    this.retryTimer = setTimeout(() => {
      const model = this.broker.model;
      if (this.closed || this.channel || !model) return;
      this.attach(model).catch((err: unknown) => this.retryLater(`cannot re-open: ${errorReason(err)}`));
    }, delay);
    this.retryTimer.unref();
  }

  /** The connection dropped; its channels are gone. */
  detach(): void {
    const channel = this.channel;
    if (!channel) return;
    this.channelClosed(channel);
    this.channel = null;
  }

  /** Stops for good (broker closing or the endpoint closed), closing the channel in order after what it sent. */
  async dispose(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const channel = this.channel;
    this.detach();
    if (channel) await closeChannel(channel);
  }

  /** Declares the node or checks it exists, depending on `create` and which side we are (spec §8). */
  protected async declareNode(channel: C, side: 'sender' | 'receiver'): Promise<void> {
    const { name, type, durable, create } = this.address;
    const declare = create === 'always' || create === side;
    if (type === 'queue') {
      if (declare) await channel.assertQueue(name, { durable, exclusive: false, autoDelete: false });
      else await channel.checkQueue(name);
    } else if (declare) {
      await channel.assertExchange(name, 'topic', { durable, autoDelete: false });
    } else {
      await channel.checkExchange(name);
    }
  }
}

function closeQuietly(channel: Channel): void {
  channel.close().catch(() => undefined);
}

/** Closes a channel and waits for RabbitMQ's close-ok, but not forever (a dead peer never answers). */
async function closeChannel(channel: Channel, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([channel.close().catch(() => undefined), timeout]);
  clearTimeout(timer);
}

/** No properties but the delivery mode: the body is the RpcMessage, as Python's qpid sender does. */
const TRANSIENT = { deliveryMode: 1 } as const;
/** Written to disk by RabbitMQ before it confirms: what a durable queue is for. */
const PERSISTENT = { deliveryMode: 2 } as const;
const CONFIRMED: MqConfirm = Object.freeze({ ok: true });

/** Turns amqplib's confirm callback (null = ack, an Error = nack or channel lost) into an OnConfirm. */
const confirmCallback =
  (confirmed: OnConfirm) =>
  (err: unknown): void =>
    confirmed(err ? { ok: false, reason: errorReason(err) } : CONFIRMED);

/**
 * A writer's channel is in confirm mode (publisher confirms): every publish with a callback is
 * told whether RabbitMQ took it — routed, and for a persistent message written to disk — or
 * not, which includes the channel or connection going first (amqplib fails what is pending).
 */
abstract class ConfirmingWriter extends AmqpEndpoint<ConfirmChannel> {
  protected blocked = false;

  protected openChannel(model: ChannelModel): Promise<ConfirmChannel> {
    return model.createConfirmChannel();
  }

  /** amqplib takes the message either way; false from it means "stop until 'drain'". False here: it threw (channel closing). */
  protected publish(
    channel: ConfirmChannel,
    exchange: string,
    routingKey: string,
    body: Buffer,
    options: typeof TRANSIENT | typeof PERSISTENT,
    confirmed: OnConfirm | undefined,
  ): boolean {
    try {
      if (!channel.publish(exchange, routingKey, body, options, confirmed && confirmCallback(confirmed)))
        this.blocked = true;
      return true;
    } catch (err) {
      this.broker.log(
        'warn',
        `${this.label}: publish${exchange === '' ? ` to queue "${routingKey}"` : ''} failed: ${errorReason(err)}`,
      );
      return false;
    }
  }
}

interface Unsent {
  body: Buffer;
  confirmed: OnConfirm | undefined;
}

class AmqpWriter extends ConfirmingWriter implements MqWriter {
  /** Messages waiting for the channel's 'drain' (bounded by maxBufferedMessages). */
  private readonly backlog = new Fifo<Unsent>();
  private readonly exchange: string;
  private readonly routingKey: string;
  /** Persistent to a durable queue; a topic's subscriptions are private queues, gone with their reader. */
  private readonly options: typeof TRANSIENT | typeof PERSISTENT;

  constructor(broker: AmqpBroker, address: MqAddress) {
    super(broker, address, 'writer');
    // Queue: default exchange, routing key = queue name. Topic: the exchange, routing key = subject.
    this.exchange = address.type === 'queue' ? '' : address.name;
    this.routingKey = address.type === 'queue' ? address.name : address.subject;
    this.options = address.type === 'queue' && address.durable ? PERSISTENT : TRANSIENT;
  }

  protected async setup(channel: ConfirmChannel): Promise<void> {
    await this.declareNode(channel, 'sender');
    channel.on('drain', () => {
      if (channel === this.channel) this.flush(channel);
    });
  }

  protected channelClosed(channel: ConfirmChannel): void {
    if (channel !== this.channel) return;
    if (this.backlog.length > 0)
      this.broker.log('warn', `${this.label}: ${this.backlog.length} unsent message(s) dropped with the lost channel`);
    for (let unsent = this.backlog.shift(); unsent; unsent = this.backlog.shift())
      unsent.confirmed?.({ ok: false, reason: 'the channel was lost before the message was sent' });
    this.blocked = false;
  }

  send(message: RpcMessage, confirmed?: OnConfirm): boolean {
    const channel = this.channel;
    if (!channel) return false;
    const bytes = encodeMessage(message);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.blocked) {
      if (this.backlog.length >= this.broker.settings.maxBufferedMessages) return false;
      this.backlog.push({ body, confirmed });
      return true;
    }
    return this.publish(channel, this.exchange, this.routingKey, body, this.options, confirmed);
  }

  private flush(channel: ConfirmChannel): void {
    this.blocked = false;
    // Under steady load a backed-up writer may never empty its backlog: the Fifo lets go of what was sent anyway.
    while (!this.blocked) {
      const unsent = this.backlog.shift();
      if (!unsent) break;
      if (!this.publish(channel, this.exchange, this.routingKey, unsent.body, this.options, unsent.confirmed)) {
        unsent.confirmed?.({ ok: false, reason: 'the channel refused the message' });
        break;
      }
    }
  }
}

/**
 * Publishes to queues named at send time on the default exchange, declaring nothing: replies to
 * private reply queues, which other connections may not even check (they are exclusive), so
 * transient: whether the queue is durable is not known here.
 */
class AmqpDirectWriter extends ConfirmingWriter implements MqDirectWriter {
  constructor(broker: AmqpBroker) {
    super(broker, { name: '(any, by name)', type: 'queue', durable: false, create: 'never', subject: '' }, 'writer');
  }

  protected setup(channel: ConfirmChannel): Promise<void> {
    channel.on('drain', () => {
      if (channel === this.channel) this.blocked = false;
    });
    return Promise.resolve();
  }

  protected channelClosed(channel: ConfirmChannel): void {
    if (channel === this.channel) this.blocked = false;
  }

  /** No backlog: while amqplib's buffer is past its mark, sends are refused until 'drain'. */
  send(queue: string, message: RpcMessage, confirmed?: OnConfirm): boolean {
    const channel = this.channel;
    if (!channel || this.blocked) return false;
    const bytes = encodeMessage(message);
    return this.publish(
      channel,
      '',
      queue,
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      TRANSIENT,
      confirmed,
    );
  }
}

/** What an `on-receipt` listener gets: the delivery was acknowledged before it saw it. */
const SETTLED: MqDelivery = Object.freeze({ ack: () => undefined, reject: () => undefined });

/** A `by-listener` delivery: settled once, on the channel it came on, if that channel still lives. */
class AmqpDelivery extends HeldDelivery implements MqDelivery {
  private settled = false;

  constructor(
    private readonly reader: AmqpReader,
    readonly acks: ChannelAcks,
    message: ConsumeMessage,
  ) {
    super(message);
    acks.hold(this);
  }

  ack(): void {
    this.settle(() => this.acks.ack(this.message, this));
  }

  reject(requeue: boolean): void {
    this.settle(() => this.acks.reject(this, requeue));
  }

  private settle(op: () => void): void {
    if (this.settled) return;
    this.settled = true;
    this.reader.settled(this, op);
  }
}

const DEFAULT_CLOSE_WAIT_MS = 2_000;

class AmqpReader extends AmqpEndpoint implements MqReader {
  private onMessage: MqListener | null = null;
  private ackMode: MqAckMode = 'on-receipt';
  private closeWaitMs = DEFAULT_CLOSE_WAIT_MS;
  /** Deliveries before listen(): not acked yet, so bounded by the prefetch and requeued if the channel goes. */
  private held: { acks: ChannelAcks; delivery: ConsumeMessage }[] = [];
  /** The acks of the newest channel, flushed before it is closed. */
  private acks: ChannelAcks | undefined;
  /** `by-listener` deliveries of the current channel not settled yet. */
  private unsettled = 0;
  private consumerTag: string | undefined;
  /** close() is waiting for the listener to settle what it has. */
  private draining: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    broker: AmqpBroker,
    address: MqAddress,
    /** A private reply queue (openPrivateReader): its address.name becomes the name RabbitMQ gives it. */
    private readonly privateQueue = false,
  ) {
    super(broker, address, 'reader');
  }

  protected openChannel(model: ChannelModel): Promise<Channel> {
    return model.createChannel();
  }

  protected async setup(channel: Channel): Promise<void> {
    await channel.prefetch(this.broker.settings.prefetch);
    let queue = this.address.name;
    if (this.privateQueue) {
      // Server-named, exclusive, auto-delete: gone with the channel; a new name after every re-attach.
      ({ queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false }));
      this.address.name = queue;
    } else if (this.address.type === 'topic') {
      await this.declareNode(channel, 'receiver');
      // A private subscription: server-named, gone with the channel (spec §8).
      ({ queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false }));
      await channel.bindQueue(queue, this.address.name, this.address.subject || '#');
    } else {
      await this.declareNode(channel, 'receiver');
    }
    const acks = new ChannelAcks(
      channel,
      (task) => this.broker.atTurnEnd(task),
      (err) => this.broker.log('warn', `${this.label}: cannot acknowledge deliveries: ${errorReason(err)}`),
    );
    this.acks = acks;
    ({ consumerTag: this.consumerTag } = await channel.consume(queue, (delivery) => this.onDelivery(acks, delivery)));
  }

  protected channelClosed(channel: Channel): void {
    // Unacked deliveries return to the queue with the channel; dispatching held ones would duplicate.
    this.held = this.held.filter((h) => h.acks.channel !== channel);
    if (channel === this.channel) {
      this.unsettled = 0;
      this.draining?.();
    }
  }

  listen(onMessage: MqListener, options: MqListenOptions = {}): void {
    this.onMessage = onMessage;
    this.ackMode = options.ack ?? 'on-receipt';
    this.closeWaitMs = options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS;
    const held = this.held;
    this.held = [];
    for (const { acks, delivery } of held) this.deliver(acks, delivery, onMessage);
  }

  /** A `by-listener` delivery was settled: acked or rejected on its channel, unless that channel is gone (then RabbitMQ requeued it). */
  settled(delivery: AmqpDelivery, op: () => void): void {
    if (delivery.acks.channel !== this.channel) return;
    try {
      op();
    } catch (err) {
      this.broker.log('warn', `${this.label}: cannot settle a delivery: ${errorReason(err)}`);
    }
    if (--this.unsettled === 0) this.draining?.();
  }

  private onDelivery(acks: ChannelAcks, delivery: ConsumeMessage | null): void {
    if (delivery === null) {
      // basic.cancel from RabbitMQ: the queue was deleted. Start over on a new channel.
      this.broker.log('warn', `${this.label}: RabbitMQ cancelled the subscription (queue deleted?)`);
      closeQuietly(acks.channel);
      return;
    }
    if (this.closed || this.closing) return; // not acked: requeued when the channel closes
    if (this.onMessage) this.deliver(acks, delivery, this.onMessage);
    else this.held.push({ acks, delivery });
  }

  private deliver(acks: ChannelAcks, delivery: ConsumeMessage, onMessage: MqListener): void {
    const byListener = this.ackMode === 'by-listener';
    // on-receipt: acknowledged before dispatching, like the original (Python acks first); the
    // frame leaves at the end of the turn, with the turn's other acks.
    if (!byListener) acks.ack(delivery);
    // A plain Uint8Array view (no copy), so consumers see the same types as from any transport.
    const { buffer, byteOffset, byteLength } = delivery.content;
    const raw = new Uint8Array(buffer, byteOffset, byteLength);
    let message: RpcMessage;
    try {
      message = decodeMessage(raw);
    } catch (err) {
      if (byListener) acks.ack(delivery); // nobody can ever use it
      this.broker.log(
        'warn',
        `${this.label}: dropped an undecodable message (${raw.length} bytes): ${errorReason(err)}`,
      );
      return;
    }
    let settlement = SETTLED;
    if (byListener) {
      settlement = new AmqpDelivery(this, acks, delivery);
      this.unsettled++;
    }
    try {
      onMessage(message, raw, settlement);
    } catch (err) {
      this.broker.log('warn', `${this.label}: the message handler threw: ${errorReason(err)}`);
    }
  }

  /** Stops consuming; `by-listener`: waits (closeWaitMs at most) for what the listener holds to be settled, the rest returns to the queue. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    if (this.closed) return;
    this.broker.forget(this);
    const channel = this.channel;
    if (channel && this.unsettled > 0) {
      let timer: NodeJS.Timeout | undefined;
      const drained = new Promise<void>((resolve) => {
        this.draining = resolve;
        timer = setTimeout(resolve, this.closeWaitMs);
      });
      if (this.consumerTag) channel.cancel(this.consumerTag).catch(() => undefined);
      await drained;
      clearTimeout(timer);
    }
    await this.dispose();
  }

  /** Acks gathered this turn go before the channel's close, which would otherwise requeue them. */
  override async dispose(): Promise<void> {
    try {
      this.acks?.flush();
    } catch (err) {
      this.broker.log('warn', `${this.label}: cannot acknowledge deliveries: ${errorReason(err)}`);
    }
    await super.dispose();
  }
}
