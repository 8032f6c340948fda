import type { ConfigModel, ServicesModel } from '../../shared/project/model.js';
import type { MqAddress } from '../../shared/rpc/connection.js';

/**
 * The project's message-queue endpoints as the broker names them, so a tap can tell the
 * project's messages from everything else on the vhost: a queue endpoint is its queue (written
 * through the default exchange, routing key = queue name), a topic endpoint is its exchange.
 * `gatewayOf` names the services.xml gateway whose replies come back on an endpoint (its
 * loopback): a client's call is keyed by that gateway's numbering of its users.
 */
export class MqEndpoints {
  private readonly queues = new Map<string, string>();
  private readonly exchanges = new Map<string, string>();
  private readonly gateways = new Map<string, string>();

  constructor(services: ServicesModel | undefined, config: ConfigModel | undefined) {
    // services.xml first: its names are the ones the gateway's own feed entries use.
    for (const e of services?.endpoints ?? []) this.add(e.name, e.mq);
    for (const e of config?.endpoints ?? []) this.add(e.name, e.mq);
    for (const server of services?.servers ?? [])
      for (const l of server.loopback)
        if (!this.gateways.has(l.return.name)) this.gateways.set(l.return.name, server.name);
  }

  get size(): number {
    return this.queues.size + this.exchanges.size;
  }

  /** The endpoint a message published to `exchange` with `routingKey` was written to. */
  published(exchange: string, routingKey: string): string | undefined {
    return exchange === '' ? this.queues.get(routingKey) : this.exchanges.get(exchange);
  }

  /** The endpoint a message delivered from `queue` (routed by `exchange`) was read from. */
  delivered(queue: string, exchange: string): string | undefined {
    return this.queues.get(queue) ?? (exchange === '' ? undefined : this.exchanges.get(exchange));
  }

  gatewayOf(endpoint: string): string | undefined {
    return this.gateways.get(endpoint);
  }

  /** What the tap watches, for its state line: `queue shop-backend (shop_backend)`, … */
  describe(): string[] {
    return [
      ...[...this.queues].map(([queue, name]) => `queue ${queue} (${name})`),
      ...[...this.exchanges].map(([exchange, name]) => `topic ${exchange} (${name})`),
    ];
  }

  private add(name: string, mq: MqAddress | undefined): void {
    if (!mq) return;
    const map = mq.type === 'queue' ? this.queues : this.exchanges;
    if (!map.has(mq.name)) map.set(mq.name, name);
  }
}
