import type { Broker, MqReader, MqWriter } from '../../shared/rpc/connection.js';
import type { RpcMessage } from '../../shared/wire/message.js';
import { Backoff, secondsText } from '../../shared/rpc/backoff.js';
import { connectAmqp, errorReason, type AmqpBrokerOptions } from '../transports/amqp.js';
import type { MqSide } from './core.js';
import type { GatewayPlan, MqEndpointPlan } from './plan.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

/**
 * The gateway's queues: gets a broker (retrying the first connection, so the gateway serves
 * its socket clients while RabbitMQ is away), opens every planned reader and writer (retrying
 * each until it opens) and hands what readers deliver to `onMessage`. After a connection loss
 * the amqp transport re-attaches open readers and writers by itself.
 */

export interface MqLinkOptions {
  plan: GatewayPlan;
  /** What a reader delivers (acknowledged on receipt: RETURNs and pushes go on to clients at once). */
  onMessage: (plan: MqEndpointPlan, message: RpcMessage, raw: Uint8Array) => void;
  log: Log;
  /** Called once a broker is in hand (to follow its state). */
  onBroker?: (broker: Broker) => void;
}

/** Between attempts to reach RabbitMQ or to open one endpoint. */
const retries = new Backoff({}, { initialDelayMs: 500, maxDelayMs: 5_000 });

export class MqLink implements MqSide {
  private broker: Broker | undefined;
  private ownsBroker = false;
  private readonly writers = new Map<string, MqWriter>();
  private readonly readers: MqReader[] = [];
  private readonly replyWriters = new Map<string, Promise<MqWriter | undefined>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: MqLinkOptions) {}

  get needed(): boolean {
    return this.options.plan.readers.length > 0 || this.options.plan.writers.length > 0;
  }

  /** The broker's description once connected. */
  get description(): string | undefined {
    return this.broker?.description;
  }

  /** Uses a broker someone else owns (the console's, the in-memory one); opens the endpoints. */
  async use(broker: Broker): Promise<void> {
    this.broker = broker;
    this.options.onBroker?.(broker);
    await this.openAll();
  }

  /**
   * Connects to RabbitMQ. Resolves after the first attempt whatever its outcome: on failure
   * it logs why and keeps trying in the background.
   */
  async connect(url: string, amqp: AmqpBrokerOptions): Promise<boolean> {
    let failures = 0;
    const attempt = async (): Promise<boolean> => {
      try {
        const broker = await connectAmqp(url, { ...amqp, log: amqp.log ?? this.options.log });
        if (this.closed) {
          await broker.close();
          return false;
        }
        this.ownsBroker = true;
        await this.use(broker);
        return true;
      } catch (error) {
        if (this.closed) return false;
        const delay = retries.delay(++failures);
        this.options.log(
          'warn',
          `${messageOf(error)}; retrying in ${secondsText(delay)} (calls to queues fail meanwhile)`,
        );
        this.later(delay, () => void attempt());
        return false;
      }
    };
    return attempt();
  }

  writer(name: string): MqWriter | undefined {
    return this.writers.get(name);
  }

  replyWriter(name: string): Promise<MqWriter | undefined> {
    const open = this.writers.get(name);
    if (open) return Promise.resolve(open);
    const plan = this.options.plan.endpoints.get(name);
    const broker = this.broker;
    if (plan?.kind !== 'mq' || !broker) return Promise.resolve(undefined);
    let pending = this.replyWriters.get(name);
    if (!pending) {
      pending = broker.openWriter(plan.address).catch((error: unknown) => {
        this.replyWriters.delete(name);
        this.options.log('warn', `${name}: cannot open a writer: ${errorReason(error)}`);
        return undefined;
      });
      this.replyWriters.set(name, pending);
    }
    return pending;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.all(this.readers.map((r) => r.close().catch(() => undefined)));
    if (this.ownsBroker) await this.broker?.close();
  }

  private async openAll(): Promise<void> {
    const { writers, readers } = this.options.plan;
    await Promise.all([...writers.map((w) => this.open(w, 'writer')), ...readers.map((r) => this.open(r, 'reader'))]);
  }

  /** Opens one endpoint; a failure is logged and retried with backoff until it opens or the link closes. */
  private async open(plan: MqEndpointPlan, role: 'reader' | 'writer', failures = 0): Promise<void> {
    const broker = this.broker;
    if (this.closed || !broker) return;
    try {
      if (role === 'writer') {
        this.writers.set(plan.endpoint.name, await broker.openWriter(plan.address));
      } else {
        const reader = await broker.openReader(plan.address);
        if (this.closed) return void (await reader.close());
        this.readers.push(reader);
        reader.listen((message, raw) => this.options.onMessage(plan, message, raw));
      }
    } catch (error) {
      if (this.closed) return;
      const delay = retries.delay(failures + 1);
      this.options.log(
        'warn',
        `${plan.endpoint.name}: cannot open the ${role}: ${messageOf(error)}; retrying in ${secondsText(delay)}`,
      );
      this.later(delay, () => void this.open(plan, role, failures + 1));
    }
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
