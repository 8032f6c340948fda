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
import { Fifo } from '../../shared/rpc/fifo.js';
import { decodeMessage, encodeMessage, type RpcMessage } from '../../shared/wire/message.js';
import { BrokerStateEmitter, describeNode } from './broker-state.js';
import { messageOf } from '../../shared/message-of.js';
import { trace, type Log } from '../../shared/log.js';
import { consoleLog } from '../log.js';

/**
 * The in-process broker of the sandbox: RabbitMQ's semantics for TCE's two node types (spec §8)
 * without RabbitMQ. Queues keep messages until a reader takes them, readers of one queue compete
 * round-robin, a topic copies each message into every reader's private queue. Delivery is as
 * RabbitMQ's: `by-listener` readers get at most `prefetch` unacknowledged messages, a rejected
 * (requeue) message or one its reader held when it closed goes back to the front of the queue
 * for any reader, and writers confirm what a queue took. A full queue refuses new messages (the
 * writer's send returns false, as a RabbitMQ queue with `overflow: reject-publish` nacks them);
 * a full topic subscription drops the copy, as an unreliable Qpid link would. Messages travel as
 * bytes and are delivered on a later event-loop turn, so a receiver never shares the sender's
 * objects or runs inside the sender's call stack.
 */

export interface MemoryBrokerOptions {
  /** Messages a queue holds before it refuses more. Default 10 000. */
  maxQueueLength?: number;
  /** Unacknowledged deliveries per `by-listener` reader. Default 4000, as the amqp transport's. */
  prefetch?: number;
  /** Where warnings go (refused messages). Default console.warn. */
  log?: Log;
}

export interface MemoryQueueStats {
  /** The queue's name, or `topic "name" subscription N` for a topic reader's private queue. */
  name: string;
  depth: number;
  readers: number;
  /** Messages the queue did not take because it was full (refused; for a topic subscription, its copy dropped). */
  dropped: number;
}

export interface MemoryBroker extends Broker {
  readonly kind: 'memory';
  /** Publishes bytes as they are, as a foreign publisher could (fault injection in the sandbox, tests). */
  publishRaw(address: MqAddress, body: Uint8Array): boolean;
  stats(): MemoryQueueStats[];
}

export function createMemoryBroker(options: MemoryBrokerOptions = {}): MemoryBroker {
  return new InMemoryBroker(
    options.maxQueueLength ?? 10_000,
    options.prefetch ?? 4000,
    options.log ?? consoleLog('memory-broker'),
  );
}

/** Messages handed to a queue's readers per event-loop turn, so a deep queue never starves I/O. */
const DELIVERY_BATCH = 1000;
const DEFAULT_CLOSE_WAIT_MS = 2_000;
const CONFIRMED: MqConfirm = Object.freeze({ ok: true });
/** What an `on-receipt` listener gets: the delivery was acknowledged before it saw it. */
const SETTLED: MqDelivery = Object.freeze({ ack: () => undefined, reject: () => undefined });

class MemQueue {
  private readonly messages = new Fifo<Uint8Array>();
  private readonly readers: MemReader[] = [];
  private nextReader = 0;
  private scheduled = false;
  dropped = 0;

  constructor(
    /** The queue's name, or `topic "name" subscription N`. */
    readonly name: string,
    readonly durable: boolean,
    private readonly broker: InMemoryBroker,
    /** Subscriptions of a topic drop what does not fit; queues refuse it. */
    private readonly subscription = false,
  ) {}

  get depth(): number {
    return this.messages.length;
  }

  get readerCount(): number {
    return this.readers.length;
  }

  /** Takes ownership of body; false when the queue is full and refuses it. */
  push(body: Uint8Array): boolean {
    if (this.depth >= this.broker.maxQueueLength) {
      this.dropped++;
      // 1, 10, 100, … : visible without flooding the log.
      if (Number.isInteger(Math.log10(this.dropped))) {
        const what = this.subscription
          ? `${this.name} is full (${this.broker.maxQueueLength} messages): dropped the newest`
          : `queue "${this.name}" is full (${this.broker.maxQueueLength} messages): refused a message`;
        this.broker.log('warn', `${what}, ${this.dropped} so far`);
      }
      return this.subscription;
    }
    this.messages.push(body);
    this.schedule();
    return true;
  }

  /** A message rejected with requeue, or held by a reader that closed: first in line again. */
  requeue(body: Uint8Array): void {
    this.messages.unshift(body);
    this.schedule();
  }

  addReader(reader: MemReader): void {
    this.readers.push(reader);
    this.schedule();
  }

  removeReader(reader: MemReader): void {
    const i = this.readers.indexOf(reader);
    if (i >= 0) this.readers.splice(i, 1);
  }

  /** Delivers again once a reader has room (it settled a delivery). */
  schedule(): void {
    if (this.scheduled || this.readers.length === 0 || this.depth === 0) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    for (let n = 0; n < DELIVERY_BATCH && this.depth > 0 && !this.broker.closed; n++) {
      const reader = this.nextWithRoom();
      if (!reader) return; // every reader is at its prefetch: settling one schedules again
      reader.deliver(this.messages.shift()!);
    }
    if (!this.broker.closed) this.schedule();
  }

  /** Round-robin over the readers that may take one more. */
  private nextWithRoom(): MemReader | undefined {
    for (let tried = 0; tried < this.readers.length; tried++) {
      const reader = this.readers[this.nextReader++ % this.readers.length]!;
      if (reader.hasRoom) return reader;
    }
    return undefined;
  }
}

interface MemExchange {
  durable: boolean;
  /** Private queues of the topic's readers, with their binding keys. */
  bindings: Map<MemQueue, string>;
}

class InMemoryBroker implements MemoryBroker {
  readonly kind = 'memory';
  readonly description = 'in-memory sandbox broker (not RabbitMQ)';
  closed = false;
  private readonly queues = new Map<string, MemQueue>();
  private readonly exchanges = new Map<string, MemExchange>();
  private readonly readers = new Set<MemReader>();
  private readonly states: BrokerStateEmitter;
  private subscriptions = 0;
  private privateQueueCount = 0;
  private readonly privateQueues = new Set<MemQueue>();

  constructor(
    readonly maxQueueLength: number,
    readonly prefetch: number,
    private readonly logger: Log,
  ) {
    this.states = new BrokerStateEmitter({ state: 'open' }, logger);
  }

  get state(): BrokerState {
    return this.states.current;
  }

  onStateChange(listener: (state: BrokerState) => void): () => void {
    return this.states.subscribe(listener);
  }

  readonly log: Log = (level, message) => this.logger(level, message);

  async openWriter(address: MqAddress): Promise<MqWriter> {
    this.declareNode(address, 'sender', 'writer');
    trace(this.log, 'memory', () => `writer for ${describeNode(address)} open`);
    return { address, send: (message, confirmed) => this.publish(address, encodeMessage(message), confirmed) };
  }

  async openReader(address: MqAddress): Promise<MqReader> {
    this.declareNode(address, 'receiver', 'reader');
    trace(this.log, 'memory', () => `reader for ${describeNode(address)} open`);
    let queue: MemQueue;
    if (address.type === 'queue') {
      queue = this.queues.get(address.name)!;
    } else {
      const name = `topic "${address.name}" subscription ${++this.subscriptions}`;
      queue = new MemQueue(name, false, this, true);
      this.exchanges.get(address.name)!.bindings.set(queue, address.subject || '#');
    }
    const reader = new MemReader(this, address, queue);
    this.readers.add(reader);
    return reader;
  }

  /** Like RabbitMQ's: a queue of the broker's naming, deleted when its reader closes. */
  async openPrivateReader(): Promise<MqReader> {
    if (this.closed)
      throw new Error(`cannot open a private reply queue on the ${this.description}: the broker is closed`);
    const name = `amq.gen-memory-${++this.privateQueueCount}`;
    const queue = new MemQueue(name, false, this);
    this.queues.set(name, queue);
    this.privateQueues.add(queue);
    const reader = new MemReader(this, { name, type: 'queue', durable: false, create: 'never', subject: '' }, queue);
    this.readers.add(reader);
    return reader;
  }

  async openDirectWriter(): Promise<MqDirectWriter> {
    return {
      send: (queue, message, confirmed) =>
        this.publish(
          { name: queue, type: 'queue', durable: false, create: 'never', subject: '' },
          encodeMessage(message),
          confirmed,
        ),
    };
  }

  publishRaw(address: MqAddress, body: Uint8Array): boolean {
    return this.publish(address, body.slice(), undefined);
  }

  /** Takes ownership of body; a taken message is confirmed on a later turn, as RabbitMQ's confirm arrives later. */
  private publish(address: MqAddress, body: Uint8Array, confirmed: OnConfirm | undefined): boolean {
    if (this.closed || !this.route(address, body)) return false;
    if (confirmed) queueMicrotask(() => confirmed(CONFIRMED));
    return true;
  }

  private route(address: MqAddress, body: Uint8Array): boolean {
    if (address.type === 'queue') {
      // Like RabbitMQ's default exchange: a message for a queue that does not exist is dropped.
      return this.queues.get(address.name)?.push(body) ?? true;
    }
    for (const [queue, key] of this.exchanges.get(address.name)?.bindings ?? []) {
      if (topicMatches(key, address.subject)) queue.push(body.slice());
    }
    return true;
  }

  unsubscribe(reader: MemReader): void {
    this.readers.delete(reader);
    if (reader.address.type === 'topic') this.exchanges.get(reader.address.name)?.bindings.delete(reader.queue);
    if (this.privateQueues.delete(reader.queue)) this.queues.delete(reader.queue.name);
  }

  stats(): MemoryQueueStats[] {
    const privateQueues = [...this.exchanges.values()].flatMap((e) => [...e.bindings.keys()]);
    return [...this.queues.values(), ...privateQueues].map((q) => ({
      name: q.name,
      depth: q.depth,
      readers: q.readerCount,
      dropped: q.dropped,
    }));
  }

  /** Declares or checks the node as RabbitMQ would (spec §8), with RabbitMQ's errors. */
  private declareNode(address: MqAddress, side: 'sender' | 'receiver', role: 'reader' | 'writer'): void {
    const fail = (why: string): never => {
      throw new Error(`cannot open ${role} for ${describeNode(address)} on the ${this.description}: ${why}`);
    };
    if (this.closed) fail('the broker is closed');
    const { name, type, durable, create } = address;
    const nodes: Map<string, { durable: boolean }> = type === 'queue' ? this.queues : this.exchanges;
    const existing = nodes.get(name);
    if (create !== 'always' && create !== side) {
      if (!existing) fail(`NOT_FOUND - no ${type === 'queue' ? 'queue' : 'exchange'} '${name}' (create: ${create})`);
      return;
    }
    if (existing) {
      if (existing.durable !== durable)
        fail(`PRECONDITION_FAILED - inequivalent arg 'durable': it exists with durable=${existing.durable}`);
      return;
    }
    if (type === 'queue') this.queues.set(name, new MemQueue(name, durable, this));
    else this.exchanges.set(name, { durable, bindings: new Map() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const reader of [...this.readers]) reader.stop();
    this.states.set({ state: 'closed', reason: 'closed by the application' });
  }
}

/** A `by-listener` delivery: settled once; after its reader closed it is already back in the queue. */
class MemDelivery implements MqDelivery {
  constructor(
    private readonly reader: MemReader,
    readonly body: Uint8Array,
  ) {}

  ack(): void {
    this.reader.settle(this, false);
  }

  reject(requeue: boolean): void {
    this.reader.settle(this, requeue);
  }
}

class MemReader implements MqReader {
  private onMessage: MqListener | null = null;
  private ackMode: MqAckMode = 'on-receipt';
  private closeWaitMs = DEFAULT_CLOSE_WAIT_MS;
  private readonly unsettled = new Set<MemDelivery>();
  private closing: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  constructor(
    private readonly broker: InMemoryBroker,
    readonly address: MqAddress,
    readonly queue: MemQueue,
  ) {}

  get hasRoom(): boolean {
    return this.ackMode === 'on-receipt' || this.unsettled.size < this.broker.prefetch;
  }

  listen(onMessage: MqListener, options: MqListenOptions = {}): void {
    if (this.closing) return;
    const first = this.onMessage === null;
    this.onMessage = onMessage;
    this.ackMode = options.ack ?? 'on-receipt';
    this.closeWaitMs = options.closeWaitMs ?? DEFAULT_CLOSE_WAIT_MS;
    // A reader competes for messages once it can take them; until then they wait in the queue.
    if (first) this.queue.addReader(this);
  }

  deliver(raw: Uint8Array): void {
    let message: RpcMessage;
    try {
      message = decodeMessage(raw);
    } catch (err) {
      this.broker.log(
        'warn',
        `reader for ${describeNode(this.address)}: dropped an undecodable message (${raw.length} bytes): ${messageOf(err)}`,
      );
      return;
    }
    let delivery = SETTLED;
    if (this.ackMode === 'by-listener') {
      const d = new MemDelivery(this, raw);
      this.unsettled.add(d);
      delivery = d;
    }
    try {
      this.onMessage!(message, raw, delivery);
    } catch (err) {
      this.broker.log('warn', `reader for ${describeNode(this.address)}: the message handler threw: ${messageOf(err)}`);
    }
  }

  settle(delivery: MemDelivery, requeue: boolean): void {
    if (!this.unsettled.delete(delivery)) return; // settled already, or returned to the queue at close
    if (requeue) this.queue.requeue(delivery.body);
    else this.queue.schedule(); // room for one more
    if (this.unsettled.size === 0) this.drained?.();
  }

  /** Stops taking messages; `by-listener`: waits (closeWaitMs at most) for what the listener holds, the rest goes back to the queue. */
  close(): Promise<void> {
    return (this.closing ??= this.shutdown());
  }

  /** The broker closed: nothing will be delivered or settled any more. */
  stop(): void {
    this.closing ??= Promise.resolve();
    this.queue.removeReader(this);
    this.broker.unsubscribe(this);
  }

  private async shutdown(): Promise<void> {
    this.queue.removeReader(this);
    if (this.unsettled.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.drained = resolve;
        timer = setTimeout(resolve, this.closeWaitMs);
      });
      clearTimeout(timer);
      // Back to the front, in the order they were delivered, for the next reader.
      for (const d of [...this.unsettled].reverse()) this.queue.requeue(d.body);
      this.unsettled.clear();
    }
    this.broker.unsubscribe(this);
  }
}

/** AMQP topic matching: words split by `.`, `*` = one word, `#` = zero or more words. */
export function topicMatches(bindingKey: string, routingKey: string): boolean {
  const pattern = bindingKey === '' ? [] : bindingKey.split('.');
  const words = routingKey === '' ? [] : routingKey.split('.');
  const match = (p: number, w: number): boolean => {
    if (p === pattern.length) return w === words.length;
    if (pattern[p] === '#') return match(p + 1, w) || (w < words.length && match(p, w + 1));
    return w < words.length && (pattern[p] === '*' || pattern[p] === words[w]) && match(p + 1, w + 1);
  };
  return match(0, 0);
}
