import type { QualifiedName } from '../idl/model.js';
import type { MqAddress } from '../rpc/connection.js';
import type { ConfigEndpoint, ConfigModel, Endpoint, EndpointRef, RoutePair, Server, ServicesModel } from './model.js';
import { isMqType } from './model.js';

/** What a gateway or back end built from the project opens and how it routes (spec §7.1, §7.3). */

/** The first endpoint of that name (later duplicates are errors). */
export const endpointByName = (services: ServicesModel, name: string): Endpoint | undefined =>
  services.endpoints.find((e) => e.name === name);

/** The first server of that name: the original picks its configuration by the communicator's name. */
export const serverByName = (services: ServicesModel, name: string): Server | undefined =>
  services.servers.find((s) => s.name === name);

export interface RouteTarget {
  interface: QualifiedName;
  ifidx: number;
  in: Endpoint;
  out: Endpoint;
  /** Where the pair is written. */
  pair: RoutePair;
}

/** ifidx → name of the endpoint a message arrived on → where it goes. */
export type RouteTable = ReadonlyMap<number, ReadonlyMap<string, RouteTarget>>;

export interface ServerRoutes {
  calls: RouteTable;
  returns: RouteTable;
}

/**
 * The server's routes as lookup tables. Routes whose interface has no `<InterfaceDef>` id and
 * pairs naming unknown endpoints are left out (they have diagnostics); of two pairs for the same
 * interface and incoming endpoint the later wins.
 */
export function serverRoutes(services: ServicesModel, server: Server): ServerRoutes {
  const calls = new Map<number, Map<string, RouteTarget>>();
  const returns = new Map<number, Map<string, RouteTarget>>();
  for (const route of server.routes) {
    if (route.ifidx === undefined) continue;
    for (const pair of [...route.calls, ...route.returns]) {
      const from = endpointByName(services, pair.in.name);
      const to = endpointByName(services, pair.out.name);
      if (!from || !to) continue;
      const table = pair.kind === 'call' ? calls : returns;
      let byEndpoint = table.get(route.ifidx);
      if (!byEndpoint) table.set(route.ifidx, (byEndpoint = new Map<string, RouteTarget>()));
      byEndpoint.set(from.name, { interface: route.interface, ifidx: route.ifidx, in: from, out: to, pair });
    }
  }
  return { calls, returns };
}

export const lookupRoute = (table: RouteTable, ifidx: number, inEndpoint: string): RouteTarget | undefined =>
  table.get(ifidx)?.get(inEndpoint);

export interface ServerEndpoints {
  /** Every route `in`, extra_mqs `ins` and MQ `listen` endpoint: MQ ones are consumed. */
  read: Endpoint[];
  /** Every route `out` and extra_mqs `outs` endpoint: MQ ones get a writer. */
  write: Endpoint[];
  /** The `listen` property: socket/websocket listeners, MQ adapters serving the gateway's own interfaces. */
  listen: Endpoint[];
}

/** The endpoints a server opens (spec §7.1), each once, in `<EndPoints>` order; unknown names are left out. */
export function serverEndpoints(services: ServicesModel, server: Server): ServerEndpoints {
  const pairs = server.routes.flatMap((r) => [...r.calls, ...r.returns]);
  const listen = resolve(services, server.listen);
  const mqListen = server.listen.filter((r) => listen.some((e) => e.name === r.name && isMqType(e.type)));
  return {
    read: resolve(services, [...pairs.map((p) => p.in), ...server.extraMqs.ins, ...mqListen]),
    write: resolve(services, [...pairs.map((p) => p.out), ...server.extraMqs.outs]),
    listen,
  };
}

function resolve(services: ServicesModel, refs: readonly EndpointRef[]): Endpoint[] {
  const names = new Set(refs.map((r) => r.name));
  const seen = new Set<string>();
  return services.endpoints.filter((e) => {
    if (!names.has(e.name) || seen.has(e.name)) return false;
    seen.add(e.name);
    return true;
  });
}

/** The `loopback` property as a map: MQ endpoint written to → name of the endpoint replies come back on (`__mq_return__`). */
export function serverLoopbacks(server: Server): Map<string, string> {
  return new Map(server.loopback.map((l) => [l.call.name, l.return.name]));
}

export interface BackEndEndpoint {
  name: string;
  address: MqAddress;
  endpoint: ConfigEndpoint;
}

export interface BackEndEndpoints {
  read: BackEndEndpoint[];
  write: BackEndEndpoint[];
  /** `endpoint_pairs`: write endpoint → read endpoint its CALLs name in `__mq_return__`. */
  loopbacks: Map<string, string>;
}

/**
 * What the back-end process configured by a config.yml section opens; endpoints without a valid
 * MQ address are left out (they have diagnostics). Undefined when there is no such section.
 */
export function backEndEndpoints(config: ConfigModel, section: string): BackEndEndpoints | undefined {
  const s = config.servers.find((x) => x.name === section);
  if (!s) return undefined;
  const opened = (mode: 'read' | 'write'): BackEndEndpoint[] =>
    s.endpoints.flatMap((e) => {
      const endpoint = config.endpoints.find((c) => c.name === e.name);
      return e.mode === mode && endpoint?.mq ? [{ name: e.name, address: endpoint.mq, endpoint }] : [];
    });
  return {
    read: opened('read'),
    write: opened('write'),
    loopbacks: new Map(s.pairs.map((p) => [p.call.name, p.return.name])),
  };
}

const streamOut = (services: ServicesModel, name: string): boolean => {
  const type = endpointByName(services, name)?.type;
  return type === 'socket' || type === 'websocket';
};

/**
 * Interfaces clients implement (server → client calls, like `test.ITerminal`): a `<call>` route
 * takes them from a message queue to a socket or websocket endpoint, i.e. a back end calls them
 * through a gateway. Sorted.
 */
export function clientInterfaces(services: ServicesModel): QualifiedName[] {
  const found = new Set<QualifiedName>();
  for (const server of services.servers) {
    for (const route of server.routes) {
      const fromQueue = route.calls.some(
        (p) => isMqType(endpointByName(services, p.in.name)?.type ?? 'unsupported') && streamOut(services, p.out.name),
      );
      if (fromQueue) found.add(route.interface);
    }
  }
  return [...found].sort();
}

/** Where a back end (or the console acting as one) publishes a push of one client interface: a gateway's MQ endpoint with a route to its clients. */
export interface PushRoute {
  /** The `<server>` (gateway) that reads the endpoint. */
  gateway: string;
  /** The MQ endpoint the push is published on. */
  endpoint: Endpoint;
  /** A topic reaches the user wherever connected (every gateway reads it); a queue reaches this gateway only. */
  topic: boolean;
}

/** Every gateway endpoint a push of `iface` can be published on, in services.xml order. */
export function pushRoutes(services: ServicesModel, iface: QualifiedName): PushRoute[] {
  const out: PushRoute[] = [];
  for (const server of services.servers) {
    for (const route of server.routes.filter((r) => r.interface === iface)) {
      for (const pair of route.calls) {
        const endpoint = endpointByName(services, pair.in.name);
        if (!endpoint?.mq || endpoint.type !== 'qpid' || !streamOut(services, pair.out.name)) continue;
        if (out.some((r) => r.gateway === server.name && r.endpoint.name === endpoint.name)) continue;
        out.push({ gateway: server.name, endpoint, topic: endpoint.mq.type === 'topic' });
      }
    }
  }
  return out;
}

/**
 * The interfaces a back end configured by config.yml serves: those some gateway's `<call>` route
 * sends to a queue the back end reads (same endpoint name, or the same queue). Sorted.
 */
export function backEndInterfaces(services: ServicesModel, backEnd: BackEndEndpoints): QualifiedName[] {
  const reads = (e: Endpoint | undefined): boolean =>
    !!e?.mq &&
    backEnd.read.some((r) => r.name === e.name || (r.address.name === e.mq!.name && r.address.type === e.mq!.type));
  const found = new Set<QualifiedName>();
  for (const server of services.servers) {
    for (const route of server.routes) {
      if (route.calls.some((p) => reads(endpointByName(services, p.out.name)))) found.add(route.interface);
    }
  }
  return [...found].sort();
}
