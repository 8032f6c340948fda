import type { Endpoint, Server, ServerRoutes, ServicesModel } from '../../shared/project/index.js';
import { serverByName, serverEndpoints, serverLoopbacks, serverRoutes } from '../../shared/project/index.js';
import type { MqAddress } from '../../shared/rpc/connection.js';
import type { EndpointKind } from './events.js';

/**
 * What a gateway built from one `<server>` of a services.xml opens and how it routes (spec
 * §7.1, §7.3): pure data, computed before any socket or queue is opened.
 */

export interface StreamEndpointPlan {
  endpoint: Endpoint;
  kind: 'socket' | 'websocket';
}

export interface MqEndpointPlan {
  endpoint: Endpoint;
  kind: 'mq';
  address: MqAddress;
  /** In the listen property: the gateway's own servant answers CALLs arriving here. */
  listen: boolean;
}

export type EndpointPlan = StreamEndpointPlan | MqEndpointPlan;

/** Where user online/offline events go: one-way CALLs `(string userId, string gatewayName)`. */
export interface UserEventsPlan {
  ifidx: number;
  onlineOpidx: number;
  offlineOpidx: number;
  /** The extra_mqs outs they are published to. */
  outs: string[];
}

export interface GatewayPlan {
  server: Server;
  /** socket/websocket endpoints of the listen property: each gets a listening server. */
  listeners: StreamEndpointPlan[];
  /** MQ endpoints consumed: route ins, extra_mqs ins, MQ endpoints of the listen property. */
  readers: MqEndpointPlan[];
  /** MQ endpoints written: route outs, extra_mqs outs. */
  writers: MqEndpointPlan[];
  /** Every endpoint of services.xml the gateway can use, by name (`__mq_return__` may name any MQ one). */
  endpoints: Map<string, EndpointPlan>;
  routes: ServerRoutes;
  /** MQ endpoint written to → the endpoint name its CALLs carry in `__mq_return__`. */
  loopbacks: Map<string, string>;
  useridCheck: boolean;
  /** `<module>.ITerminalGatewayServer` from InterfaceDef: served by the gateway itself. */
  gatewayIfidx: number | undefined;
  userEvents: UserEventsPlan | undefined;
  /** Things the operator should know (skipped endpoints, events not published). */
  notes: string[];
}

/** Operations of `ITerminalGatewayServer` the gateway serves: `void ping()` (spec §7.5 item 7). */
export const GATEWAY_INTERFACE = 'ITerminalGatewayServer';
export const PING_OPIDX = 0;

/**
 * Default user events: `<module>.IMessageServer` from InterfaceDef, `onUserOnLine` opidx 0 and
 * `onUserOffLine` opidx 1, as in the original sendmessage sample (spec §7.4).
 */
export const MESSAGE_SERVER_INTERFACE = 'IMessageServer';

export interface UserEventsOption {
  /** `module.Interface` in InterfaceDef, or its ifidx. */
  interface: string | number;
  onlineOpidx: number;
  offlineOpidx: number;
}

export type PlanResult = { ok: true; plan: GatewayPlan } | { ok: false; message: string };

const kindOf = (e: Endpoint): EndpointKind | undefined =>
  e.type === 'socket' || e.type === 'websocket' ? e.type : e.type === 'qpid' ? 'mq' : undefined;

const byUnqualifiedName = (services: ServicesModel, name: string): number | undefined =>
  services.interfaces.find((i) => i.id !== undefined && (i.name === name || i.name.endsWith(`.${name}`)))?.id;

export function planGateway(
  services: ServicesModel,
  serverName: string,
  userEvents?: UserEventsOption | false,
): PlanResult {
  const server = serverByName(services, serverName);
  if (!server) {
    const names = services.servers.map((s) => s.name);
    const known = names.length > 0 ? `; the servers are: ${names.join(', ')}` : '; it defines no <server>';
    return { ok: false, message: `${services.file}: no <server name="${serverName}">${known}` };
  }
  const notes: string[] = [];
  const listenNames = new Set(server.listen.map((r) => r.name));
  const endpoints = new Map<string, EndpointPlan>();
  for (const endpoint of services.endpoints) {
    const kind = kindOf(endpoint);
    if (kind === 'mq' && endpoint.mq)
      endpoints.set(endpoint.name, { endpoint, kind, address: endpoint.mq, listen: listenNames.has(endpoint.name) });
    else if (kind === 'socket' || kind === 'websocket') endpoints.set(endpoint.name, { endpoint, kind });
  }
  const usable = (list: Endpoint[], role: string): EndpointPlan[] =>
    list.flatMap((e) => {
      const plan = endpoints.get(e.name);
      if (!plan)
        notes.push(
          `endpoint "${e.name}" (${e.declaredType}${e.type === 'qpid' ? ' without a valid address' : ''}) cannot be ${role}; it is skipped`,
        );
      return plan ? [plan] : [];
    });
  const opened = serverEndpoints(services, server);
  const listeners = usable(opened.listen, 'listened on').filter((p): p is StreamEndpointPlan => p.kind !== 'mq');
  const readers = usable(opened.read, 'read').filter((p): p is MqEndpointPlan => p.kind === 'mq');
  const writers = usable(opened.write, 'written').filter((p): p is MqEndpointPlan => p.kind === 'mq');
  for (const e of opened.listen)
    if (e.port === undefined && kindOf(e) !== 'mq') notes.push(`endpoint "${e.name}" has no valid port; it is skipped`);

  const gatewayIfidx = byUnqualifiedName(services, GATEWAY_INTERFACE);
  const events = planUserEvents(services, server, writers, userEvents, notes);
  return {
    ok: true,
    plan: {
      server,
      listeners: listeners.filter((l) => l.endpoint.port !== undefined),
      readers,
      writers,
      endpoints,
      routes: serverRoutes(services, server),
      loopbacks: serverLoopbacks(server),
      useridCheck: server.useridCheck,
      gatewayIfidx,
      userEvents: events,
      notes,
    },
  };
}

function planUserEvents(
  services: ServicesModel,
  server: Server,
  writers: MqEndpointPlan[],
  option: UserEventsOption | false | undefined,
  notes: string[],
): UserEventsPlan | undefined {
  const outs = server.extraMqs.outs.map((r) => r.name).filter((name) => writers.some((w) => w.endpoint.name === name));
  if (outs.length === 0 || option === false) return undefined;
  const wanted = option?.interface ?? MESSAGE_SERVER_INTERFACE;
  const ifidx = typeof wanted === 'number' ? wanted : byUnqualifiedName(services, wanted);
  if (ifidx === undefined) {
    notes.push(
      `extra_mqs outs ${outs.join(', ')}: no ${wanted} in <InterfaceDef>, so user online/offline events are not published`,
    );
    return undefined;
  }
  return { ifidx, onlineOpidx: option?.onlineOpidx ?? 0, offlineOpidx: option?.offlineOpidx ?? 1, outs };
}
