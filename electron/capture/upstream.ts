import { ConsoleError } from '../../shared/console-api/api.js';
import type { TargetSpec } from '../../shared/console-api/types.js';
import type { ServicesModel } from '../../shared/project/model.js';
import { resolveTarget, type SandboxView } from '../host/connections/targets.js';

export interface ProxyUpstream {
  upstream: string;
  /** The project endpoint it is, if it is one. */
  endpoint?: string;
  /** The project's gateway listening there, if known. */
  gateway?: string;
}

/**
 * What a proxy forwards to: a stream URL, or a socket/websocket endpoint of the project (in a
 * running sandbox, its listener). Names the gateway behind it where the project says, so the
 * proxy's entries are keyed as that gateway keys its users' calls.
 */
export function resolveUpstream(
  spec: TargetSpec,
  services: ServicesModel | undefined,
  sandbox?: SandboxView,
): ProxyUpstream {
  const resolved = resolveTarget(spec, services, sandbox, {});
  if (resolved.kind !== 'stream')
    throw new ConsoleError(
      'invalid-params',
      `a proxy forwards stream connections (tcp, tls, ws, wss), not ${resolved.display}: tap the broker for queues`,
    );
  if (spec.kind === 'url')
    return { upstream: resolved.url, ...(resolved.gateway ? { gateway: resolved.gateway } : {}) };
  const gateway =
    resolved.gateway ?? services?.servers.find((s) => s.listen.some((l) => l.name === spec.endpoint))?.name;
  return { upstream: resolved.url, endpoint: spec.endpoint, ...(gateway ? { gateway } : {}) };
}

/** The command line's form: a URL (`scheme://…`) or an endpoint name. */
export function proxyUpstream(text: string, services: ServicesModel | undefined): ProxyUpstream {
  return resolveUpstream(
    text.includes('://') ? { kind: 'url', url: text } : { kind: 'endpoint', endpoint: text },
    services,
  );
}
