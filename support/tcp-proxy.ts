// A TCP proxy of the test's own between one process and RabbitMQ, so a test can cut that
// process's broker link (and only that one) without touching the shared broker.
import net from 'node:net';

export interface TcpProxyOptions {
  /** Where connections go. Default RabbitMQ at 127.0.0.1:5672. */
  target?: { host: string; port: number };
}

/**
 * Listens on 127.0.0.1 (port 0) and pipes every connection to the target. `cut()` resets every
 * link (both sockets destroyed, as a dropped network path or a broker restart looks to the
 * client) and refuses new ones until `restore()`.
 */
export class TcpProxy {
  private readonly links = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private isCut = false;
  /** Connections accepted and linked, and cut, over the proxy's life. */
  readonly stats = { linked: 0, cut: 0, refused: 0 };

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const target = options.target ?? { host: '127.0.0.1', port: 5672 };
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** `amqp://guest:guest@127.0.0.1:<port>` and the like: `url` with its port replaced by the proxy's. */
  url(through = 'amqp://guest:guest@127.0.0.1:5672'): string {
    const u = new URL(through);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString().replace(/\/$/, '');
  }

  /** Links open now. */
  get open(): number {
    return this.links.size;
  }

  get down(): boolean {
    return this.isCut;
  }

  /** Resets every link and refuses new connections until restore(). */
  cut(): void {
    this.isCut = true;
    for (const link of [...this.links]) {
      this.stats.cut++;
      link.client.resetAndDestroy();
      link.upstream.resetAndDestroy();
    }
    this.links.clear();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    client.on('error', () => undefined);
    if (this.isCut) {
      this.stats.refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    upstream.on('error', () => undefined);
    const link = { client, upstream };
    this.links.add(link);
    this.stats.linked++;
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  }
}
