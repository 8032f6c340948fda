import type { ConnectionInfo, ProjectSnapshot, TargetSpec } from '../../shared/console-api/index.js';
import type { Endpoint } from '../../shared/project/model.js';

/** Endpoints a client can call: gateways' sockets and WebSockets, and back-end queues. */
export function callableEndpoints(snapshot: ProjectSnapshot | null): Endpoint[] {
  const eps = snapshot?.services?.endpoints ?? [];
  return eps.filter((e) => e.type === 'socket' || e.type === 'websocket' || (e.type === 'qpid' && e.mq?.type === 'queue'));
}

/** The URL a target dials, as tce-call takes it. */
export function endpointUrl(e: Endpoint): string {
  const host = e.host || '127.0.0.1';
  switch (e.type) {
    case 'socket':
      return `${e.tls ? 'tls' : 'tcp'}://${host}:${e.port ?? '?'}`;
    case 'websocket':
      return `${e.tls ? 'wss' : 'ws'}://${host}:${e.port ?? '?'}`;
    default:
      return `amqp://${host}:${e.port ?? 5672}/${e.mq?.name ?? e.name}`;
  }
}

export const sameTarget = (a: TargetSpec, b: TargetSpec): boolean =>
  a.kind === 'endpoint' ? b.kind === 'endpoint' && a.endpoint === b.endpoint : b.kind === 'url' && a.url === b.url;

export function connectionFor(connections: Record<string, ConnectionInfo>, target: TargetSpec | null): ConnectionInfo | undefined {
  if (!target) return undefined;
  let found: ConnectionInfo | undefined;
  for (const c of Object.values(connections)) if (sameTarget(c.target, target) && (!found || c.state.state !== 'closed')) found = c;
  return found;
}

export function targetUrl(snapshot: ProjectSnapshot | null, target: TargetSpec): string {
  if (target.kind === 'url') return target.url;
  const ep = snapshot?.services?.endpoints.find((e) => e.name === target.endpoint);
  return ep ? endpointUrl(ep) : target.endpoint;
}

export const targetLabel = (t: TargetSpec): string => (t.kind === 'endpoint' ? t.endpoint : t.url);
