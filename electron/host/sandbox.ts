import { ConsoleError } from '../../shared/console-api/api.js';
import type { SandboxState, StartSandboxParams } from '../../shared/console-api/types.js';
import { AMQP_URL_ENV, displayUrl } from '../../shared/project/broker-url.js';
import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import { backEndEndpoints } from '../../shared/project/routing.js';
import type { Broker } from '../../shared/rpc/connection.js';
import { startGateway, type GatewayHandle } from '../gateway/index.js';
import { startSampleServer, type SampleServer } from '../sample-server/sample-server.js';
import { connectAmqp } from '../transports/amqp.js';
import { formatEndpointUrl } from '../transports/endpoint-url.js';
import { createMemoryBroker } from '../transports/memory.js';
import type { SandboxView } from './connections/targets.js';
import { messageOf } from './errors.js';
import type { Feed } from './feed/feed.js';
import { gatewayTap, serverTap } from './feed/taps.js';

export interface SandboxOptions {
  services: ServicesModel;
  config: ConfigModel | undefined;
  params: StartSandboxParams;
  feed: Feed;
  env: NodeJS.ProcessEnv;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** A gateway saw a client's `__device_id__` (the console's own connections learn their user ids from it). */
  onDevice: (deviceId: string, userId: string, gateway: string) => void;
}

export interface RunningSandbox {
  readonly state: Extract<SandboxState, { state: 'running' }>;
  readonly view: SandboxView;
  stop(): Promise<void>;
}

/**
 * The sandbox: the project's gateways (every `<server>` with a `listen` property) and the
 * sample back end (one per config.yml section), in this process, on RabbitMQ when an AMQP URL
 * is configured and reachable, else on the in-memory broker. Everything they see goes into
 * the feed. Throws ConsoleError with a reason a person can act on; nothing is left running.
 */
export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const { services, config, feed, log } = options;
  const servers = services.servers.filter((s) => s.listen.length > 0);
  if (servers.length === 0) throw new ConsoleError('invalid-params', `${services.file} has no <server> with a "listen" property: there is no gateway to start`);
  const listen = sandboxListenUrls(services, options.params.listenHost);
  for (const note of listen.notes) log('info', note);
  const broker = await chooseBroker(options.params, options.env, log);
  const gateways: GatewayHandle[] = [];
  const backEnds: { name: string; server: SampleServer }[] = [];
  const unsubscribe: (() => void)[] = [];
  const stop = async (): Promise<void> => {
    for (const u of unsubscribe) u();
    await Promise.all(gateways.map((g) => g.close().catch((e: unknown) => log('warn', `gateway ${g.name}: ${messageOf(e)}`))));
    await Promise.all(backEnds.map((b) => b.server.close().catch((e: unknown) => log('warn', `back end ${b.name}: ${messageOf(e)}`))));
    await broker.broker.close().catch(() => undefined);
  };
  try {
    for (const server of servers) {
      const gateway = await startGateway({ services, serverName: server.name, broker: broker.broker, listen: listen.urls, log: (line) => log('info', `gateway ${server.name}: ${line}`) }).catch((error: unknown) => {
        throw new ConsoleError('io', `cannot start gateway ${server.name}: ${explainListenError(messageOf(error))}`);
      });
      gateways.push(gateway);
      unsubscribe.push(gateway.events.subscribe(gatewayTap(feed, gateway.name, { onDevice: (device, user) => options.onDevice(device, user, gateway.name) })));
    }
    const gatewayByReply = new Map(services.servers.flatMap((s) => s.loopback.map((l) => [l.return.name, s.name] as const)));
    for (const section of config?.servers ?? []) {
      const endpoints = backEndEndpoints(config!, section.name);
      if (!endpoints || endpoints.read.length === 0) continue;
      const server = await startSampleServer({ mq: { broker: broker.broker, endpoints }, log: (line) => log('info', `back end ${section.name}: ${line}`) }).catch((error: unknown) => {
        throw new ConsoleError('io', `cannot start the sample back end "${section.name}": ${messageOf(error)}`);
      });
      backEnds.push({ name: section.name, server });
      if (server.mqAdapter) unsubscribe.push(server.mqAdapter.onTraffic(serverTap(feed, section.name, (reply) => gatewayByReply.get(reply))));
    }
    if (backEnds.length === 0) log('warn', config ? `${config.file} has no section that reads a queue: the sandbox runs no back end` : 'the project has no config.yml: the sandbox runs no back end');
  } catch (error) {
    await stop();
    throw error;
  }
  const listeners = new Map(gateways.flatMap((g) => g.listening.map((l) => [l.endpoint, { url: l.url, gateway: g.name }] as const)));
  return {
    state: {
      state: 'running',
      broker: { kind: broker.broker.kind, description: broker.description },
      gateways: gateways.map((g) => ({ server: g.name, listen: g.listening.map((l) => l.url) })),
      backEnds: backEnds.map((b) => ({ name: b.name, reads: [...b.server.serving] })),
    },
    view: { listeners, broker: broker.broker },
    stop,
  };
}

/**
 * Where the sandbox's gateways listen: on the address the user chose (`listenHost`), else on the
 * endpoint's own host when that is a loopback one, else on 127.0.0.1. To the original gateway an
 * empty host means every interface; a project's services.xml describes a cluster, possibly
 * someone else's, and must not open this machine to the network when its sandbox starts.
 */
function sandboxListenUrls(services: ServicesModel, listenHost: string | undefined): { urls: Record<string, string>; notes: string[] } {
  const urls: Record<string, string> = {};
  const notes: string[] = [];
  for (const e of services.endpoints) {
    if ((e.type !== 'socket' && e.type !== 'websocket') || e.port === undefined) continue;
    const written = e.host.trim();
    const host = listenHost ?? (isLoopbackHost(written) ? written : LOOPBACK);
    const transport = e.type === 'socket' ? (e.tls ? 'tls' : 'tcp') : e.tls ? 'wss' : 'ws';
    urls[e.name] = formatEndpointUrl(transport, host, e.port);
    if (listenHost === undefined && written !== '' && written !== host) notes.push(`${e.name}: services.xml says host "${written}"; the sandbox listens on ${host} (start it with listenHost to choose)`);
  }
  return { urls, notes };
}

const LOOPBACK = '127.0.0.1';
const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);

/** RabbitMQ when asked for or configured and reachable; otherwise the in-memory broker, saying why. */
async function chooseBroker(params: StartSandboxParams, env: NodeJS.ProcessEnv, log: SandboxOptions['log']): Promise<{ broker: Broker; description: string }> {
  const wanted = params.broker ?? 'auto';
  const url = params.amqpUrl ?? env[AMQP_URL_ENV]?.trim();
  const memory = (why: string) => ({ broker: createMemoryBroker({ log: (m) => log('warn', `in-memory broker: ${m}`) }), description: `in-memory broker (${why})` });
  if (wanted === 'memory') return memory('chosen for this sandbox');
  if (!url) {
    if (wanted === 'amqp') throw new ConsoleError('invalid-params', `no RabbitMQ URL: pass amqpUrl or set ${AMQP_URL_ENV}`);
    return memory(`no RabbitMQ configured: set ${AMQP_URL_ENV} to use one`);
  }
  try {
    const broker = await connectAmqp(url, { connectionName: 'tce-console sandbox', connectTimeoutMs: 3_000, log: (m) => log('warn', `RabbitMQ: ${m}`) });
    return { broker, description: `RabbitMQ at ${displayUrl(url)}` };
  } catch (error) {
    if (wanted === 'amqp') throw new ConsoleError('io', `RabbitMQ at ${displayUrl(url)} is not reachable: ${messageOf(error)}`);
    log('warn', `RabbitMQ at ${displayUrl(url)} is not reachable (${messageOf(error)}); the sandbox uses the in-memory broker`);
    return memory(`RabbitMQ at ${displayUrl(url)} is not reachable`);
  }
}

/** A port in use is the usual reason a gateway cannot start: say so plainly. */
function explainListenError(message: string): string {
  return /EADDRINUSE/.test(message) ? `${message} — the port is taken (is a gateway of this project already running?); stop it or change the port in services.xml` : message;
}
