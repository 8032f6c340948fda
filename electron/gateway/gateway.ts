import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Project, ServicesModel } from '../../shared/project/index.js';
import type { Broker } from '../../shared/rpc/connection.js';
import type { AmqpBrokerOptions } from '../transports/amqp.js';
import { listen } from '../transports/serve.js';
import type { StreamOptions } from '../transports/stream.js';
import type { StreamListener, TlsServerOptions } from '../transports/tcp.js';
import { GatewayCore, type Authenticate, type GatewayFootprint } from './core.js';
import { GatewayMonitor, type GatewayCounters, type GatewayEvent } from './events.js';
import type { ForwardedCallsOptions } from './forwarded-calls.js';
import { MqLink } from './mq-link.js';
import { planGateway, type StreamEndpointPlan, type UserEventsOption } from './plan.js';
import { messageOf } from '../../shared/message-of.js';
import type { Log } from '../../shared/log.js';

export interface GatewayOptions {
  /** The project (loadProject) or just its services.xml model. */
  project?: Project;
  services?: ServicesModel;
  /** Which `<server>` of services.xml this gateway is. */
  serverName: string;
  /** A broker owned by the caller (the console's, the in-memory one); the gateway does not close it. */
  broker?: Broker;
  /** Or a RabbitMQ URL: the gateway connects (retrying until it can) and closes it on close(). */
  amqpUrl?: string;
  amqp?: Omit<AmqpBrokerOptions, 'log'>;
  /** Listen URL per endpoint name, e.g. `{ socket_gateway: 'tcp://127.0.0.1:0' }`, instead of host and port from services.xml. */
  listen?: Readonly<Record<string, string>>;
  /** Where log lines go. Default: stderr. */
  log?: Log;
  /** `__token__` → user id when userid_check is on. Default: the token is the user id. */
  authenticate?: Authenticate;
  /** User online/offline events on the extra_mqs outs; false = none. Default: `<module>.IMessageServer` opidx 0 / 1. */
  userEvents?: UserEventsOption | false;
  /** Bounds of the forwarded-call memory: `max` calls (100 000), each waited for `ttlMs` (60 000) before error 2. */
  forwardedCalls?: ForwardedCallsOptions;
  /** Client connections open at once over all listen endpoints; more are refused and logged. Default 10 000. */
  maxConnections?: number;
  /** Frame limit, write backlog and idle timeout (default 300 000 ms, 0 = never) per client connection. */
  stream?: StreamOptions;
  /** How long close() waits for replies to forwarded calls. Default 2 000 ms. */
  drainMs?: number;
}

export interface ListeningEndpoint {
  endpoint: string;
  kind: 'socket' | 'websocket';
  /** With the real port. */
  url: string;
}

export interface GatewayHandle {
  readonly name: string;
  readonly listening: readonly ListeningEndpoint[];
  /** The broker, e.g. `amqp://guest@127.0.0.1:5672`; undefined when not connected yet or not needed. */
  readonly broker: string | undefined;
  /** MQ endpoints read and written. */
  readonly reading: readonly string[];
  readonly writing: readonly string[];
  /** Things the operator should know about the configuration. */
  readonly notes: readonly string[];
  /** Every message received and sent, connections, broker states. Free while nobody subscribes. */
  readonly events: { subscribe(listener: (event: GatewayEvent) => void): () => void };
  counters(): GatewayCounters;
  /** What the gateway holds per call and per connection right now. */
  footprint(): GatewayFootprint;
  /** Stops accepting, waits (bounded) for replies to forwarded calls, closes connections and queues. */
  close(): Promise<void>;
}

/** A gateway that cannot start: the message says why, for a person. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
}

const DEFAULT_DRAIN_MS = 2_000;
const SWEEP_MS = 5_000;

/** Starts the services.xml gateway for one `<server>` (spec §7). */
export async function startGateway(options: GatewayOptions): Promise<GatewayHandle> {
  const services = options.services ?? options.project?.services;
  if (!services) throw new GatewayError('startGateway needs project or services');
  const planned = planGateway(services, options.serverName, options.userEvents);
  if (!planned.ok) throw new GatewayError(planned.message);
  const plan = planned.plan;
  const name = options.serverName;
  const log: Log = options.log ?? ((_level, line) => void process.stderr.write(`tce-gateway ${name}: ${line}\n`));
  for (const note of plan.notes) log('info', note);

  const monitor = new GatewayMonitor();
  let unfollowBroker: (() => void) | undefined;
  // Readers deliver only after mq.use/connect below, by when gatewayCore exists.
  const mq = new MqLink({
    plan,
    log,
    onMessage: (p, message, raw) => gatewayCore.fromQueue(p, message, raw),
    onBroker: (broker) => {
      unfollowBroker = broker.onStateChange((state) => {
        // No RETURN can come over a lost link: the calls awaiting one are answered now (docs/delivery.md).
        if (state.state === 'reconnecting') gatewayCore.brokerLost(`reconnecting: ${state.lastError}`);
        else if (state.state === 'closed') gatewayCore.brokerLost(`closed: ${state.reason}`);
        if (monitor.watched) monitor.emit({ type: 'broker', time: Date.now(), state });
      });
    },
  });
  const gatewayCore = new GatewayCore({
    name,
    plan,
    mq,
    monitor,
    log,
    authenticate: options.authenticate,
    forwardedCalls: options.forwardedCalls,
    maxConnections: options.maxConnections,
  });

  const listeners: { plan: StreamEndpointPlan; listener: StreamListener }[] = [];
  try {
    for (const p of plan.listeners) {
      const url = options.listen?.[p.endpoint.name] ?? listenUrl(p);
      const tls = p.endpoint.tls ? readTls(p, services.file) : undefined;
      let listener: StreamListener;
      try {
        listener = await listen(url, { ...options.stream, tls }, (connection) => gatewayCore.accept(p, connection));
      } catch (error) {
        throw new GatewayError(`${p.endpoint.name}: cannot listen on ${url}: ${messageOf(error)}`);
      }
      listeners.push({ plan: p, listener });
    }
    if (mq.needed) {
      if (options.broker) await mq.use(options.broker);
      else if (options.amqpUrl)
        await mq.connect(options.amqpUrl, { connectionName: `tce-gateway ${name}`, ...options.amqp });
      else
        throw new GatewayError(
          `${name} reads or writes queues (${[...plan.readers, ...plan.writers].map((e) => e.endpoint.name).join(', ')}) but no broker was given`,
        );
    }
  } catch (error) {
    await Promise.all(listeners.map((l) => l.listener.close()));
    await mq.close();
    throw error;
  }

  const sweeper = setInterval(() => gatewayCore.sweep(), SWEEP_MS);
  sweeper.unref();
  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    gatewayCore.stopAccepting();
    await Promise.all(listeners.map((l) => l.listener.close()));
    const deadline = Date.now() + (options.drainMs ?? DEFAULT_DRAIN_MS);
    while (gatewayCore.awaitingReplies > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    if (gatewayCore.awaitingReplies > 0)
      log('info', `closing with ${gatewayCore.awaitingReplies} forwarded call(s) unanswered`);
    await gatewayCore.closeClients('the gateway is shutting down');
    clearInterval(sweeper);
    unfollowBroker?.();
    await mq.close();
  };

  return {
    name,
    listening: listeners.map((l) => ({ endpoint: l.plan.endpoint.name, kind: l.plan.kind, url: l.listener.url })),
    get broker() {
      return mq.description;
    },
    reading: plan.readers.map((r) => r.endpoint.name),
    writing: plan.writers.map((w) => w.endpoint.name),
    notes: plan.notes,
    events: { subscribe: (listener) => monitor.subscribe(listener) },
    counters: () => monitor.snapshot(gatewayCore.awaitingReplies),
    footprint: () => gatewayCore.footprint(),
    close: () => (closing ??= shutdown()),
  };
}

/** `tcp://host:port` (tls://, ws://, wss://) from the endpoint; an empty host listens on every interface, as the original. */
function listenUrl(p: StreamEndpointPlan): string {
  const { host, port, tls } = p.endpoint;
  const scheme = p.kind === 'socket' ? (tls ? 'tls' : 'tcp') : tls ? 'wss' : 'ws';
  const h = host.trim() === '' ? '0.0.0.0' : host.trim();
  return `${scheme}://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

/** keyfile and certfile, relative to services.xml. */
function readTls(p: StreamEndpointPlan, servicesFile: string): TlsServerOptions {
  const base = dirname(servicesFile);
  const read = (what: 'keyfile' | 'certfile'): string => {
    const file = p.endpoint[what];
    if (!file) throw new GatewayError(`${p.endpoint.name}: TLS needs a ${what}`);
    try {
      return readFileSync(resolve(base, file), 'utf8');
    } catch (error) {
      throw new GatewayError(`${p.endpoint.name}: cannot read ${what} ${file}: ${messageOf(error)}`);
    }
  };
  return { key: read('keyfile'), cert: read('certfile') };
}
