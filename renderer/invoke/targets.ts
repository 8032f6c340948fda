import type { ConnectionInfo, ProjectSnapshot, SandboxState, TargetSpec } from '../../shared/console-api/index.js';
import type { Endpoint } from '../../shared/project/model.js';

/** Endpoints a client can call: gateways' sockets and WebSockets, and back-end queues. */
export function callableEndpoints(snapshot: ProjectSnapshot | null): Endpoint[] {
  const eps = snapshot?.services?.endpoints ?? [];
  return eps.filter(
    (e) => e.type === 'socket' || e.type === 'websocket' || (e.type === 'qpid' && e.mq?.type === 'queue'),
  );
}

/**
 * Where the sandbox's gateway really listens for an endpoint (services.xml may say port 0, or
 * the sandbox may have moved it): the listening URL of the server that lists it, same scheme.
 */
export function sandboxUrl(snapshot: ProjectSnapshot | null, sandbox: SandboxState, e: Endpoint): string | undefined {
  if (sandbox.state !== 'running' || (e.type !== 'socket' && e.type !== 'websocket')) return undefined;
  const schemes = e.type === 'socket' ? ['tcp:', 'tls:'] : ['ws:', 'wss:'];
  for (const server of snapshot?.services?.servers ?? []) {
    if (!server.listen.some((l) => l.name === e.name)) continue;
    const urls = sandbox.gateways.find((g) => g.server === server.name)?.listen ?? [];
    const url = urls.find((u) => schemes.some((s) => u.startsWith(s)));
    if (url) return url;
  }
  return undefined;
}

/** The URL a target dials as services.xml declares it. */
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

export function connectionFor(
  connections: Record<string, ConnectionInfo>,
  target: TargetSpec | null,
): ConnectionInfo | undefined {
  if (!target) return undefined;
  let found: ConnectionInfo | undefined;
  for (const c of Object.values(connections))
    if (sameTarget(c.target, target) && (!found || c.state.state !== 'closed')) found = c;
  return found;
}

/** The URL to give tce-call: the live connection's, the sandbox's listener, or services.xml's. */
export function targetUrl(
  snapshot: ProjectSnapshot | null,
  sandbox: SandboxState,
  connection: ConnectionInfo | undefined,
  target: TargetSpec,
): string {
  if (target.kind === 'url') return target.url;
  if (connection && connection.state.state === 'open') return connection.url;
  const ep = snapshot?.services?.endpoints.find((e) => e.name === target.endpoint);
  return ep ? (sandboxUrl(snapshot, sandbox, ep) ?? endpointUrl(ep)) : target.endpoint;
}

export const targetLabel = (t: TargetSpec): string => (t.kind === 'endpoint' ? t.endpoint : t.url);

/** The natural target of a fresh request: the project's first gateway socket, else its first WebSocket. */
export function defaultTarget(snapshot: ProjectSnapshot | null): TargetSpec | null {
  const eps = snapshot?.services?.endpoints ?? [];
  const gw = eps.find((e) => e.type === 'socket') ?? eps.find((e) => e.type === 'websocket');
  return gw ? { kind: 'endpoint', endpoint: gw.name } : null;
}
