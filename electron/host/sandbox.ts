import { ConsoleError } from '../../shared/console-api/api.js';
import type { SandboxClient, SandboxMode, SandboxState, StartSandboxParams } from '../../shared/console-api/types.js';
import { AMQP_URL_ENV, displayUrl } from '../../shared/project/broker-url.js';
import type { ServicesModel } from '../../shared/project/model.js';
import type { Broker } from '../../shared/rpc/connection.js';
import { startGateway, type GatewayEvent, type GatewayHandle } from '../gateway/index.js';
import { startMockBackEnd, type MockBackEnd } from '../mock/back-end.js';
import type { MockEngine } from '../mock/engine.js';
import { connectAmqp } from '../transports/amqp.js';
import { formatEndpointUrl } from '../transports/endpoint-url.js';
import { createMemoryBroker } from '../transports/memory.js';
import type { SandboxView } from './connections/targets.js';
import { messageOf } from './errors.js';
import type { Feed } from './feed/feed.js';
import { gatewayTap, serverTap } from './feed/taps.js';
import type { LogLevel } from '../../shared/log.js';

export interface SandboxOptions {
  services: ServicesModel;
  params: StartSandboxParams;
  /** The project's mock engine: the back ends answer through it (its config.yml sections, its scripts and overrides). */
  mocks: MockEngine;
  /** Where every message the gateways and back ends see goes; none: nowhere (tce-mock logs calls instead). */
  feed?: Feed;
  env: NodeJS.ProcessEnv;
  log: (level: LogLevel, message: string) => void;
  /** A gateway saw a client's `__device_id__` (the console's own connections learn their user ids from it). */
  onDevice?: (deviceId: string, userId: string, gateway: string) => void;
  /** Clients connected or left. */
  onClients?: () => void;
}

export interface RunningSandbox {
  readonly state: Extract<SandboxState, { state: 'running' }>;
  readonly view: SandboxView;
  /** Clients connected to the sandbox's gateways now. */
  clients(): SandboxClient[];
  /** The project's IDL changed: the back ends serve its operations from now on. */
  refresh(): void;
  stop(): Promise<void>;
}

/**
 * The sandbox: the project's gateways (every `<server>` with a `listen` property) and a mock
 * back end per config.yml section that reads a queue, in this process, on RabbitMQ when an
 * AMQP URL is configured and reachable, else on the in-memory broker; `params.mode` runs one
 * half only. Everything they see goes into the feed. The console and tce-mock both run it.
 * Throws ConsoleError with a reason a person can act on; nothing is left running.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { services, feed, log, mocks } = options;
  const mode: SandboxMode = options.params.mode ?? 'full';
  const servers = mode === 'backends' ? [] : services.servers.filter((s) => s.listen.length > 0);
  if (mode !== 'backends' && servers.length === 0)
    throw new ConsoleError(
      'invalid-params',
      `${services.file} has no <server> with a "listen" property: there is no gateway to start`,
    );
  const sections = mode === 'gateways' ? [] : mocks.catalog.backEnds;
  if (mode === 'backends' && sections.length === 0)
    throw new ConsoleError(
      'invalid-params',
      'the project has no config.yml section that reads a queue: there is no back end to start',
    );
  const listen = sandboxListenUrls(services, options.params.listenHost);
  for (const note of listen.notes) log('info', note);
  const broker = await chooseBroker(options.params, options.env, log);
  const gateways: GatewayHandle[] = [];
  const backEnds: MockBackEnd[] = [];
  const unsubscribe: (() => void)[] = [];
  const clients = new Map<string, SandboxClient>();
  const stop = async (): Promise<void> => {
    for (const u of unsubscribe) u();
    mocks.wake();
    await Promise.all(
      gateways.map((g) => g.close().catch((e: unknown) => log('warn', `gateway ${g.name}: ${messageOf(e)}`))),
    );
    await Promise.all(
      backEnds.map((b) => b.close().catch((e: unknown) => log('warn', `back end ${b.name}: ${messageOf(e)}`))),
    );
    await broker.broker.close().catch(() => undefined);
  };
  try {
    for (const server of servers) {
      // No idle timeout: a console connection that only waits for pushes must keep its user id.
      const gateway = await startGateway({
        services,
        serverName: server.name,
        broker: broker.broker,
        listen: listen.urls,
        stream: { idleTimeout: 0 },
        log: (level, line) => log(level, `gateway ${server.name}: ${line}`),
      }).catch((error: unknown) => {
        throw new ConsoleError('io', `cannot start gateway ${server.name}: ${explainListenError(messageOf(error))}`);
      });
      gateways.push(gateway);
      unsubscribe.push(
        gateway.events.subscribe((event) => trackClient(clients, gateway.name, event) && options.onClients?.()),
      );
      if (feed)
        unsubscribe.push(
          gateway.events.subscribe(
            gatewayTap(feed, gateway.name, {
              onDevice: (device, user) => options.onDevice?.(device, user, gateway.name),
            }),
          ),
        );
    }
    const gatewayByReply = new Map(
      services.servers.flatMap((s) => s.loopback.map((l) => [l.return.name, s.name] as const)),
    );
    for (const section of sections) {
      const backEnd = await startMockBackEnd({
        engine: mocks,
        section: section.section,
        broker: broker.broker,
        log: (level, line) => log(level, `back end ${section.section}: ${line}`),
      }).catch((error: unknown) => {
        throw new ConsoleError('io', `cannot start the mock back end "${section.section}": ${messageOf(error)}`);
      });
      backEnds.push(backEnd);
      if (feed)
        unsubscribe.push(backEnd.onTraffic(serverTap(feed, section.section, (reply) => gatewayByReply.get(reply))));
    }
    if (mode !== 'gateways' && backEnds.length === 0)
      log('warn', `the project has no config.yml section that reads a queue: the sandbox runs no back end`);
  } catch (error) {
    await stop();
    throw error;
  }
  const listeners = new Map(
    gateways.flatMap((g) => g.listening.map((l) => [l.endpoint, { url: l.url, gateway: g.name }] as const)),
  );
  return {
    state: {
      state: 'running',
      mode,
      broker: { kind: broker.broker.kind, description: broker.description },
      gateways: gateways.map((g) => ({ server: g.name, listen: g.listening.map((l) => l.url) })),
      backEnds: backEnds.map((b) => ({ name: b.name, reads: [...b.serving], serves: [...b.serves] })),
    },
    view: { listeners, broker: broker.broker },
    clients: () => [...clients.values()],
    refresh: () => {
      for (const b of backEnds) b.refresh();
    },
    stop,
  };
}

/**
 * Where the sandbox's gateways listen: on the address the user chose (`listenHost`), else on the
 * endpoint's own host when that is a loopback one, else on 127.0.0.1. To the original gateway an
 * empty host means every interface; a project's services.xml describes a cluster, possibly
 * someone else's, and must not open this machine to the network when its sandbox starts.
 */
function sandboxListenUrls(
  services: ServicesModel,
  listenHost: string | undefined,
): { urls: Record<string, string>; notes: string[] } {
  const urls: Record<string, string> = {};
  const notes: string[] = [];
  for (const e of services.endpoints) {
    if ((e.type !== 'socket' && e.type !== 'websocket') || e.port === undefined) continue;
    const written = e.host.trim();
    const host = listenHost ?? (isLoopbackHost(written) ? written : LOOPBACK);
    const transport = e.type === 'socket' ? (e.tls ? 'tls' : 'tcp') : e.tls ? 'wss' : 'ws';
    urls[e.name] = formatEndpointUrl(transport, host, e.port);
    if (listenHost === undefined && written !== '' && written !== host)
      notes.push(
        `${e.name}: services.xml says host "${written}"; the sandbox listens on ${host} (start it with listenHost to choose)`,
      );
  }
  return { urls, notes };
}

const LOOPBACK = '127.0.0.1';
const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** Keeps the list of connected clients from a gateway's events; true when it changed. */
function trackClient(clients: Map<string, SandboxClient>, gateway: string, event: GatewayEvent): boolean {
  if (event.type !== 'connection-open' && event.type !== 'connection-user' && event.type !== 'connection-close')
    return false;
  const key = `${gateway}|${event.connectionId}`;
  if (event.type === 'connection-close' || event.userId === undefined) return clients.delete(key);
  clients.set(key, { gateway, endpoint: event.endpoint, userId: event.userId, peer: event.peer });
  return true;
}

/** RabbitMQ when asked for or configured and reachable; otherwise the in-memory broker, saying why. */
async function chooseBroker(
  params: StartSandboxParams,
  env: NodeJS.ProcessEnv,
  log: SandboxOptions['log'],
): Promise<{ broker: Broker; description: string }> {
  const wanted = params.broker ?? 'auto';
  const url = params.amqpUrl ?? env[AMQP_URL_ENV]?.trim();
  const memory = (why: string) => ({
    broker: createMemoryBroker({ log: (level, m) => log(level, `in-memory broker: ${m}`) }),
    description: `in-memory broker (${why})`,
  });
  if (wanted === 'memory') return memory('chosen for this sandbox');
  if (!url) {
    if (wanted === 'amqp')
      throw new ConsoleError('invalid-params', `no RabbitMQ URL: pass amqpUrl or set ${AMQP_URL_ENV}`);
    return memory(`no RabbitMQ configured: set ${AMQP_URL_ENV} to use one`);
  }
  try {
    const broker = await connectAmqp(url, {
      connectionName: 'tce-console sandbox',
      connectTimeoutMs: 3_000,
      log: (level, m) => log(level, `RabbitMQ: ${m}`),
    });
    return { broker, description: `RabbitMQ at ${displayUrl(url)}` };
  } catch (error) {
    if (wanted === 'amqp')
      throw new ConsoleError('io', `RabbitMQ at ${displayUrl(url)} is not reachable: ${messageOf(error)}`);
    log(
      'warn',
      `RabbitMQ at ${displayUrl(url)} is not reachable (${messageOf(error)}); the sandbox uses the in-memory broker`,
    );
    return memory(`RabbitMQ at ${displayUrl(url)} is not reachable`);
  }
}

/** A port in use is the usual reason a gateway cannot start: say so plainly. */
function explainListenError(message: string): string {
  return /EADDRINUSE/.test(message)
    ? `${message} — the port is taken (is a gateway of this project already running?); stop it or change the port in services.xml`
    : message;
}
