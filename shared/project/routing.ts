import type { QualifiedName } from '../idl/model.js';
import type { MqAddress } from '../rpc/connection.js';
import type { ConfigEndpoint, ConfigModel, Endpoint, EndpointRef, RoutePair, Server, ServicesModel } from './model.js';
import { isMqType } from './model.js';

/** What a gateway or back end built from the project opens and how it routes (spec §7.1, §7.3). */

/** The first endpoint of that name (later duplicates are errors). */
export const endpointByName = (services: ServicesModel, name: string): Endpoint | undefined => services.endpoints.find((e) => e.name === name);

/** The first server of that name: the original picks its configuration by the communicator's name. */
export const serverByName = (services: ServicesModel, name: string): Server | undefined => services.servers.find((s) => s.name === name);

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
      if (!byEndpoint) table.set(route.ifidx, (byEndpoint = new Map()));
      byEndpoint.set(from.name, { interface: route.interface, ifidx: route.ifidx, in: from, out: to, pair });
    }
  }
  return { calls, returns };
}

export const lookupRoute = (table: RouteTable, ifidx: number, inEndpoint: string): RouteTarget | undefined => table.get(ifidx)?.get(inEndpoint);

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
  return { read: opened('read'), write: opened('write'), loopbacks: new Map(s.pairs.map((p) => [p.call.name, p.return.name])) };
}
