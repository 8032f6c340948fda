import { ConsoleError } from '../../shared/console-api/api.js';
import type { PushRequest, PushResult, SandboxClient } from '../../shared/console-api/types.js';
import { resolveOperation, type IdlModel } from '../../shared/idl/model.js';
import type { ServicesModel } from '../../shared/project/model.js';
import { clientInterfaces, pushRoutes, type PushRoute } from '../../shared/project/routing.js';
import type { Broker } from '../../shared/rpc/connection.js';
import { MqWriters, pushTarget } from '../../shared/rpc/mq-writers.js';
import type { ModelCodec } from '../../shared/wire/codec.js';
import { CodecError } from '../../shared/wire/errors.js';
import { messageOf } from './errors.js';
import type { Feed } from './feed/feed.js';
import { serverTap } from './feed/taps.js';
import type { LogLevel } from '../../shared/log.js';

export interface ConsolePushContext {
  services: ServicesModel;
  model: IdlModel;
  codec: ModelCodec;
  /** Connected clients, for "all users". */
  clients: SandboxClient[];
}

/** How the console's pushes appear in the feed (hop `server`, as a back end's). */
export const CONSOLE_PUSHER = 'console';

/**
 * Pushes sent from the console the real way: a one-way CALL of a client interface with
 * `__user_id__`, published on the gateway's back-end-facing queue (the services.xml endpoint a
 * `<call>` route takes to its clients), exactly as a back end would; the gateway delivers it.
 * "All users" publishes once per connected user id on the broadcast topic, which every gateway
 * reads and delivers where that user is connected.
 */
export class ConsolePusher {
  private readonly writers = new Map<string, Promise<MqWriters>>();

  constructor(
    private readonly broker: Broker,
    private readonly feed: Feed | undefined,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  async send(request: PushRequest, ctx: ConsolePushContext): Promise<PushResult> {
    const { services, model, codec } = ctx;
    const resolved = resolveOperation(model, request.interface, request.method);
    if (!resolved)
      throw new ConsoleError(
        'not-found',
        `${request.interface}.${request.method} is not an operation of the project's IDL`,
      );
    const { iface, op, owner } = resolved;
    if (!clientInterfaces(services).includes(owner.qname) && !clientInterfaces(services).includes(iface.qname)) {
      throw new ConsoleError(
        'invalid-params',
        `${iface.qname} is not implemented by clients: no <call> route of ${services.file} takes it from a queue to a client endpoint`,
      );
    }
    const routes = pushRoutes(services, owner.qname).concat(owner === iface ? [] : pushRoutes(services, iface.qname));
    let params: Uint8Array;
    try {
      params = codec.encodeParams(op, request.args as unknown[] | Record<string, unknown>);
    } catch (error) {
      if (error instanceof CodecError)
        throw new ConsoleError('invalid-params', `${iface.qname}.${op.name}: ${error.message}`);
      throw error;
    }
    const recipients = this.recipients(request, routes, ctx.clients, `${iface.qname}.${op.name}`);
    const sent: PushResult['sent'] = [];
    for (const { route, userId } of recipients) {
      const writers = await this.writersFor(route);
      let sequence = 0;
      const off = writers.onTraffic((e) => (sequence = e.message.sequence));
      try {
        pushTarget(writers, route.endpoint.name, userId).send({
          ifidx: owner.index,
          opidx: op.index,
          paramsize: op.params.length,
          params,
          mode: 'oneway',
          extra: { ...request.extra },
        });
      } catch (error) {
        throw new ConsoleError('io', messageOf(error));
      } finally {
        off();
      }
      sent.push({ gateway: route.gateway, endpoint: route.endpoint.name, userId, sequence });
    }
    this.log(
      'info',
      `pushed ${iface.qname}.${op.name} to ${sent.map((s) => `user ${s.userId} via ${s.endpoint}`).join(', ')}`,
    );
    return { sent };
  }

  private recipients(
    request: PushRequest,
    routes: PushRoute[],
    clients: SandboxClient[],
    what: string,
  ): { route: PushRoute; userId: string }[] {
    const to = request.to;
    if (to.kind === 'user') {
      const mine = routes.filter((r) => r.gateway === to.gateway);
      const route = mine.find((r) => !r.topic) ?? mine[0];
      if (!route)
        throw new ConsoleError(
          'invalid-params',
          `gateway ${to.gateway} has no <call> route of ${what} from a queue to its clients`,
        );
      return [{ route, userId: to.userId }];
    }
    const topic = routes.find((r) => r.topic);
    if (!topic)
      throw new ConsoleError(
        'invalid-params',
        `the project has no broadcast topic for ${what} (a <call> route from a topic endpoint): push to one user instead`,
      );
    const users = [...new Set(clients.map((c) => c.userId))];
    if (users.length === 0) throw new ConsoleError('invalid-params', 'no client is connected to the sandbox');
    return users.map((userId) => ({ route: topic, userId }));
  }

  /** One writer per endpoint, opened on first use; what it publishes goes into the feed as the console's. */
  private writersFor(route: PushRoute): Promise<MqWriters> {
    const name = route.endpoint.name;
    let writers = this.writers.get(name);
    if (!writers) {
      writers = this.broker.openWriter(route.endpoint.mq!).then((writer) => {
        const w = new MqWriters([[name, writer]]);
        if (this.feed) w.onTraffic(serverTap(this.feed, CONSOLE_PUSHER, () => undefined));
        return w;
      });
      writers.catch(() => this.writers.delete(name));
      this.writers.set(name, writers);
    }
    return writers;
  }
}
