import { ConsoleError } from '../../../shared/console-api/api.js';
import type { TargetSpec } from '../../../shared/console-api/types.js';
import { displayUrl, resolveBrokerUrl } from '../../../shared/project/broker-url.js';
import type { ServicesModel } from '../../../shared/project/model.js';
import type { Broker, StreamTransportKind } from '../../../shared/rpc/connection.js';
import { AMQP_TARGET_FORM, splitAmqpTarget } from '../../transports/amqp-url.js';
import { parseEndpointUrl, formatEndpointUrl } from '../../transports/endpoint-url.js';
import { messageOf } from '../../../shared/message-of.js';

/** What the sandbox offers connections: its listeners' real URLs and its broker. */
export interface SandboxView {
  /** Endpoint name → listen URL (with the real port) and the gateway serving it. */
  listeners: ReadonlyMap<string, { url: string; gateway: string }>;
  broker: Broker;
}

export type ResolvedTarget =
  | { kind: 'stream'; url: string; transport: StreamTransportKind; gateway?: string }
  /** A back end's queue; `broker` is a URL to connect to, or the sandbox's broker. */
  | { kind: 'mq'; queue: string; broker: { url: string } | { sandbox: Broker }; display: string };

/**
 * A TargetSpec as something to dial: an ad-hoc URL (`tcp://`, `tls://`, `ws://`, `wss://`,
 * `amqp://user:pass@host:port/<queue>`) or an endpoint of the project, which in a running
 * sandbox means the sandbox's listener or broker.
 */
export function resolveTarget(
  spec: TargetSpec,
  services: ServicesModel | undefined,
  sandbox: SandboxView | undefined,
  env: NodeJS.ProcessEnv,
): ResolvedTarget {
  if (spec.kind === 'url') return resolveUrl(spec.url.trim(), sandbox);
  if (!services)
    throw new ConsoleError('no-project', `endpoint "${spec.endpoint}" needs an open project with a services.xml`);
  const ep = services.endpoints.find((e) => e.name === spec.endpoint);
  if (!ep)
    throw new ConsoleError(
      'not-found',
      `services.xml has no endpoint "${spec.endpoint}" (${services.endpoints.map((e) => e.name).join(', ') || 'none'})`,
    );
  const listener = sandbox?.listeners.get(ep.name);
  if (listener) return resolveUrl(listener.url, sandbox);
  if (ep.type === 'socket' || ep.type === 'websocket') {
    if (ep.port === undefined) throw new ConsoleError('invalid-params', `endpoint "${ep.name}" has no valid port`);
    const transport = ep.type === 'socket' ? (ep.tls ? 'tls' : 'tcp') : ep.tls ? 'wss' : 'ws';
    return resolveUrl(formatEndpointUrl(transport, ep.host.trim() || '127.0.0.1', ep.port), sandbox);
  }
  if (ep.type !== 'qpid' || !ep.mq)
    throw new ConsoleError(
      'invalid-params',
      `endpoint "${ep.name}" is a ${ep.declaredType} endpoint; the console connects to socket, websocket and qpid endpoints`,
    );
  if (sandbox)
    return {
      kind: 'mq',
      queue: ep.mq.name,
      broker: { sandbox: sandbox.broker },
      display: `${sandbox.broker.description} queue ${ep.mq.name}`,
    };
  const broker = resolveBrokerUrl({ env, services, endpoint: ep.name });
  if (!broker.ok) throw new ConsoleError('invalid-params', broker.message);
  return { kind: 'mq', queue: ep.mq.name, broker: { url: broker.url }, display: `${broker.display}/${ep.mq.name}` };
}

function resolveUrl(url: string, sandbox: SandboxView | undefined): ResolvedTarget {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'amqp' || scheme === 'amqps') {
    const target = splitAmqpTarget(url);
    if (!target.ok) throw new ConsoleError('invalid-params', `"${displayUrl(url)}" ${target.problem}`);
    return { kind: 'mq', queue: target.queue, broker: { url: target.brokerUrl }, display: displayUrl(url) };
  }
  let transport: StreamTransportKind;
  try {
    transport = parseEndpointUrl(url).transport;
  } catch (error) {
    throw new ConsoleError('invalid-params', `${messageOf(error)}, or ${AMQP_TARGET_FORM}`);
  }
  const gateway = sandbox && [...sandbox.listeners.values()].find((l) => l.url === url)?.gateway;
  return { kind: 'stream', url, transport, gateway };
}
