// Shared by the gateway tests: a private copy of the cluster example (unique queue names, port 0),
// the sample back end in-process, gateways, and clients that record the pushes they get.
import { readFileSync } from 'node:fs';
import { copyCluster, type ClusterCopy } from '../../support/cluster-copy.js';
import { startGateway, type GatewayHandle, type GatewayOptions } from '../../electron/gateway/index.js';
import { startSampleServer, type SampleServer } from '../../electron/sample-server/sample-server.js';
import { ITerminalServant, ServerProxy } from '../../electron/sample-server/generated/test.js';
import { connectAmqp } from '../../electron/transports/amqp.js';
import { createClient } from '../../electron/transports/dial.js';
import { backEndEndpoints, parseConfigYml, parseServicesXml, type ServicesModel } from '../../shared/project/index.js';
import { Adapter } from '../../shared/rpc/adapter.js';
import type { RpcClient, RpcClientOptions } from '../../shared/rpc/client.js';
import type { Broker } from '../../shared/rpc/connection.js';
import type { MqTrafficEvent } from '../../shared/rpc/mq-traffic.js';
import { RABBIT_URL, RabbitAdmin, suffix } from '../../support/mq-kit.js';

/** The cluster example under a temporary directory: queue names made unique, listen ports 0. */
export interface Cluster extends ClusterCopy {
  services(): ServicesModel;
  /** Deletes the queues and exchanges and the directory. */
  remove(admin: RabbitAdmin): Promise<void>;
}

export function cluster(options: { useridCheck?: boolean } = {}): Cluster {
  const copy = copyCluster(`tce-test-${suffix()}`, options);
  return {
    ...copy,
    services() {
      const parsed = parseServicesXml({ path: copy.servicesXml, text: readFileSync(copy.servicesXml, 'utf8') });
      if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error(JSON.stringify(parsed.diagnostics));
      return parsed.services;
    },
    async remove(admin) {
      await admin.remove(copy.queues, copy.exchanges);
      copy.removeFiles();
    },
  };
}

/** Everything a test starts, stopped after it (last first) whatever happened, and its clusters removed. */
export class TestScope {
  readonly running: { close(): Promise<void> }[] = [];
  private readonly clusters: Cluster[] = [];

  track<T extends { close(): Promise<void> }>(thing: T): T {
    this.running.push(thing);
    return thing;
  }

  cluster(options?: Parameters<typeof cluster>[0]): Cluster {
    const c = cluster(options);
    this.clusters.push(c);
    return c;
  }

  /** For afterEach. */
  async cleanup(admin: RabbitAdmin): Promise<void> {
    for (const r of this.running.splice(0).reverse()) await r.close().catch(() => undefined);
    for (const c of this.clusters.splice(0)) await c.remove(admin);
  }
}

export interface BackEnd {
  server: SampleServer;
  broker: Broker;
  /** Every message it read and wrote, as on the wire. */
  traffic: MqTrafficEvent[];
  /** One line per call. */
  calls: string[];
  close(): Promise<void>;
}

/** The sample back end (config.yml section `server`) with its own RabbitMQ connection. */
export async function startBackEnd(c: Cluster, options: { broadcast?: boolean; name?: string } = {}): Promise<BackEnd> {
  const config = parseConfigYml({ path: c.configYml, text: readFileSync(c.configYml, 'utf8') });
  const endpoints = backEndEndpoints(config.config, 'server');
  if (!endpoints) throw new Error('config.yml has no section "server"');
  const broker = await connectAmqp(RABBIT_URL, {
    connectionName: options.name ?? 'tce-test-backend',
    log: () => undefined,
  });
  const calls: string[] = [];
  const server = await startSampleServer({
    mq: { broker, endpoints, broadcast: options.broadcast ? 'mq_gateway_broadcast' : undefined },
    log: (_level, line) => calls.push(line),
  });
  const traffic: MqTrafficEvent[] = [];
  server.mqAdapter!.onTraffic((e) => traffic.push({ ...e, raw: e.raw.slice() }));
  return {
    server,
    broker,
    traffic,
    calls,
    close: async () => {
      await server.close();
      await broker.close();
    },
  };
}

export function gateway(c: Cluster, serverName: string, options: Partial<GatewayOptions> = {}): Promise<GatewayHandle> {
  return startGateway({ services: c.services(), serverName, amqpUrl: RABBIT_URL, log: () => undefined, ...options });
}

/** The URL a gateway listens on (its only listen endpoint). */
export const urlOf = (g: GatewayHandle): string => g.listening[0]!.url;

export interface Client {
  rpc: RpcClient;
  server: ServerProxy;
  /** Texts of the ITerminal.onMessage pushes received. */
  pushes: string[];
  close(): Promise<void>;
}

/** A client with an ITerminal servant for pushes (spec §6.4). */
export function client(url: string, options: RpcClientOptions = {}): Client {
  const pushes: string[] = [];
  const terminal = new (class extends ITerminalServant {
    onMessage(message: string): void {
      pushes.push(message);
    }
  })();
  const rpc = createClient(url, { adapter: new Adapter().add(terminal), ...options });
  return { rpc, server: new ServerProxy(rpc), pushes, close: () => rpc.close() };
}
